/**
 * POST /messages: the request as the send service wants it, from a JSON body
 * (`{to, text, subject}`) or multipart/form-data (fields `to` (repeatable), `text`,
 * `subject`, and files in `media`). Sizes are bounded while the body streams in; nothing is
 * queued until the whole request was read and checked.
 */
import type { FastifyRequest } from 'fastify';
import type { SendMedia } from '../../app/send.js';
import { ApiProblem } from './problem.js';

export interface SendBody {
  readonly to: string[];
  readonly text?: string;
  readonly subject?: string;
  /** The box's own number to send from (several modems). */
  readonly from?: string;
  readonly media: SendMedia[];
}

export const MAX_MEDIA_FILES = 10;
const MAX_FIELD_CHARS = 64 * 1024;

const badField = (field: string, detail: string): ApiProblem => new ApiProblem(422, 'bad-field', detail, field);

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badField(field, `${field} must be a string`);
  if (v.length > MAX_FIELD_CHARS) throw badField(field, `${field} is longer than ${MAX_FIELD_CHARS} characters`);
  return v;
}

/** The JSON form: exactly the documented keys, `to` a non-empty array of strings. */
export function fromJson(body: unknown): SendBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiProblem(400, 'bad-json', 'the body must be a JSON object', 'body');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!['to', 'text', 'subject', 'from'].includes(k)) throw badField(k.slice(0, 40), `unknown field '${k.slice(0, 40)}' (send media as multipart/form-data)`);
  }
  if (!Array.isArray(b.to)) throw badField('to', 'to must be an array of phone numbers');
  const to = b.to.map((v, i) => {
    if (typeof v !== 'string') throw badField(`to[${i}]`, `to[${i}] must be a string`);
    return v;
  });
  const text = optionalString(b.text, 'text');
  const subject = optionalString(b.subject, 'subject');
  const from = optionalString(b.from, 'from');
  return { to, media: [], ...(text !== undefined ? { text } : {}), ...(subject !== undefined ? { subject } : {}), ...(from !== undefined ? { from } : {}) };
}

/** The multipart form, read part by part with the total size bounded by `maxBytes`. */
export async function fromMultipart(req: FastifyRequest, maxBytes: number): Promise<SendBody> {
  const to: string[] = [];
  const media: SendMedia[] = [];
  let text: string | undefined;
  let subject: string | undefined;
  let from: string | undefined;
  let total = 0;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'media') {
        part.file.resume();
        throw badField(part.fieldname.slice(0, 40), `files go in the field 'media', not '${part.fieldname.slice(0, 40)}'`);
      }
      if (media.length >= MAX_MEDIA_FILES) throw badField('media', `at most ${MAX_MEDIA_FILES} files`);
      const content = await part.toBuffer();
      total += content.byteLength;
      if (total > maxBytes) throw new ApiProblem(413, 'too-large', 'the request body is larger than this API accepts (api.maxBodyBytes)', 'media');
      media.push({ contentType: part.mimetype, content, ...(part.filename ? { filename: part.filename } : {}) });
      continue;
    }
    const value = part.value;
    if (typeof value !== 'string') throw badField(part.fieldname.slice(0, 40), `${part.fieldname.slice(0, 40)} must be text`);
    if (part.valueTruncated) throw badField(part.fieldname.slice(0, 40), `${part.fieldname.slice(0, 40)} is too long`);
    total += value.length;
    switch (part.fieldname) {
      case 'to':
        to.push(...value.split(',').map((s) => s.trim()).filter((s) => s !== ''));
        break;
      case 'text':
        if (text !== undefined) throw badField('text', 'give text once');
        text = value;
        break;
      case 'subject':
        if (subject !== undefined) throw badField('subject', 'give subject once');
        subject = value;
        break;
      case 'from':
        if (from !== undefined) throw badField('from', 'give from once');
        from = value;
        break;
      default:
        throw badField(part.fieldname.slice(0, 40), `unknown field '${part.fieldname.slice(0, 40)}'`);
    }
  }
  return { to, media, ...(text !== undefined ? { text } : {}), ...(subject !== undefined ? { subject } : {}), ...(from !== undefined ? { from } : {}) };
}
