/**
 * Part bodies that are either bytes or a file (types.ts `BodyFile`): their size, what the
 * multipart boundary hashes of them, their bytes when a renderer needs the text, and a stream
 * for an attachment, so a 5 MB picture goes from its blob file into the SMTP stream in chunks.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { BodyFile } from './types.js';

export function isBodyFile(body: Uint8Array | BodyFile): body is BodyFile {
  return !(body instanceof Uint8Array);
}

export function bodySize(body: Uint8Array | BodyFile): number {
  return isBodyFile(body) ? body.size : body.byteLength;
}

/**
 * The bytes of a body that must be in memory (text, SMIL). A file here is a caller's mistake:
 * the pipeline keeps text and SMIL parts as bytes (src/pipeline/relay.ts).
 */
export function bodyBytes(body: Uint8Array | BodyFile): Uint8Array {
  if (isBodyFile(body)) throw new TypeError(`a text part was given as the file ${body.path}; text parts are passed as bytes`);
  return body;
}

/** Attachment content for nodemailer: a Buffer view of bytes, or a read stream of the file. */
export function bodyContent(body: Uint8Array | BodyFile): Buffer | Readable {
  if (isBodyFile(body)) return createReadStream(body.path, { highWaterMark: 64 * 1024 });
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
