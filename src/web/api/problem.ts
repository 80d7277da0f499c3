/**
 * Errors of the REST API as RFC 9457 problem details (`application/problem+json`): `type`
 * names the problem (`urn:mmsgw:problem:<code>`), `title` is fixed per code, `detail` says
 * what was wrong with this request, `field` names the request field (JSON path, form field,
 * header or query parameter) when one was.
 */
import type { FastifyReply } from 'fastify';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly field?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }

  toJSON(): Problem {
    return {
      type: `urn:mmsgw:problem:${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}

export function sendProblem(reply: FastifyReply, p: ApiProblem): FastifyReply {
  for (const [k, v] of Object.entries(p.headers)) void reply.header(k, v);
  return reply.code(p.status).type('application/problem+json').send(JSON.stringify(p.toJSON()));
}

/** Fastify's own errors (body parsing, limits) as problems; anything else is a 500 without internals. */
export function problemOf(e: unknown): ApiProblem {
  if (e instanceof ApiProblem) return e;
  const err = e as { code?: string; statusCode?: number; message?: string };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiProblem(413, 'too-large', 'the request body is larger than this API accepts (api.maxBodyBytes)', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiProblem(415, 'unsupported-media-type', 'send application/json or multipart/form-data', 'Content-Type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiProblem(400, 'bad-json', 'the JSON body is empty', 'body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiProblem(400, 'bad-json', 'the body is not valid JSON', 'body');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_NO_FORM_DATA':
      return new ApiProblem(400, 'bad-multipart', 'the multipart/form-data body is malformed', 'body');
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new ApiProblem(err.statusCode, 'bad-request', err.message ?? 'bad request', 'body');
  }
  return new ApiProblem(500, 'internal', 'the gateway could not handle this request; it is logged');
}
