/**
 * The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json). Schemas are JSON
 * Schema 2020-12; the tests validate every response the API gives against them.
 */
import { MESSAGE_STATES } from './view.js';

const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const errors = (...codes: number[]): Record<string, unknown> => Object.fromEntries(codes.map((c) => [String(c), problem]));
const iso = { type: 'string', format: 'date-time' };
const isoOrNull = { type: ['string', 'null'], format: 'date-time' };
const strOrNull = { type: ['string', 'null'] };
const auth = [{ bearer: [] }];

const summaryProps = {
  id: { type: 'integer', minimum: 1 },
  direction: { enum: ['in', 'out'] },
  kind: { enum: ['sms', 'mms'] },
  state: { enum: MESSAGE_STATES },
  from: strOrNull,
  to: { type: 'array', items: { type: 'string' } },
  cc: { type: 'array', items: { type: 'string' } },
  subject: strOrNull,
  date: isoOrNull,
  createdAt: iso,
  updatedAt: iso,
  url: { type: 'string' },
};

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'mmsgw REST API',
      version: '1.0.0',
      description: 'Send SMS/MMS through the box and read what it received and sent. Every request needs a bearer token (`mmsgw token create`). See docs/API.md.',
    },
    servers: [{ url: serverUrl }],
    security: auth,
    paths: {
      '/messages': {
        post: {
          operationId: 'sendMessage',
          summary: 'Queue an SMS or MMS (scope send)',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' } }],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/SendRequest' } },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    to: { type: 'array', items: { type: 'string' } },
                    text: { type: 'string' },
                    subject: { type: 'string' },
                    from: { type: 'string' },
                    media: { type: 'array', maxItems: 10, items: { type: 'string', contentMediaType: 'application/octet-stream' } },
                  },
                  required: ['to'],
                },
              },
            },
          },
          responses: {
            '202': {
              description: 'Queued (or, with a repeated Idempotency-Key, the first answer again)',
              headers: { Location: { schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
            },
            ...errors(400, 401, 403, 409, 413, 415, 422, 429),
          },
        },
        get: {
          operationId: 'listMessages',
          summary: 'List messages, newest first (scope read)',
          parameters: [
            { name: 'direction', in: 'query', schema: { enum: ['in', 'out'] } },
            { name: 'correspondent', in: 'query', description: 'E.164 number or mail address in any role', schema: { type: 'string' } },
            { name: 'state', in: 'query', description: 'comma-separated states', schema: { type: 'string' } },
            { name: 'since', in: 'query', description: 'created at or after (ISO 8601)', schema: { type: 'string' } },
            { name: 'cursor', in: 'query', description: 'the `next` of the previous page', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          ],
          responses: {
            '200': { description: 'One page', content: { 'application/json': { schema: { $ref: '#/components/schemas/MessagePage' } } } },
            ...errors(400, 401, 403, 429),
          },
        },
      },
      '/messages/{id}': {
        get: {
          operationId: 'getMessage',
          summary: 'One message with its parts, events and reports (scope read)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: {
            '200': { description: 'The message', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
      '/messages/{id}/parts/{n}': {
        get: {
          operationId: 'getPart',
          summary: 'The body of part n (from 1) with its content type, as an attachment (scope read)',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
          ],
          responses: {
            '200': { description: 'The part body', content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
      '/status': {
        get: {
          operationId: 'getStatus',
          summary: 'Modem, bearer and queues (scope admin)',
          responses: {
            '200': { description: 'Status', content: { 'application/json': { schema: { $ref: '#/components/schemas/Status' } } } },
            ...errors(401, 403, 429),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document (any valid token)',
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object', required: ['openapi'] } } } }, ...errors(401, 429) },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'mmsgw_… token from `mmsgw token create`' } },
      schemas: {
        SendRequest: {
          type: 'object',
          additionalProperties: false,
          required: ['to'],
          properties: {
            to: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'E.164 (+491511234567) or national numbers' },
            text: { type: 'string' },
            subject: { type: 'string', description: 'MMS subject' },
            from: { type: 'string', description: "one of the box's own numbers to send from (several modems); default: chosen by outbound.modems" },
          },
        },
        Accepted: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'kind', 'to', 'url'],
          properties: { id: { type: 'integer', minimum: 1 }, kind: { enum: ['sms', 'mms'] }, to: { type: 'array', items: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' } }, url: { type: 'string' } },
        },
        MessageSummary: { type: 'object', additionalProperties: false, required: Object.keys(summaryProps), properties: summaryProps },
        MessagePage: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/MessageSummary' } }, next: { type: 'string' } },
        },
        Message: {
          type: 'object',
          additionalProperties: false,
          required: [...Object.keys(summaryProps), 'messageId', 'size', 'expiry', 'incomplete', 'box', 'modem', 'parts', 'states', 'events', 'reports'],
          properties: {
            ...summaryProps,
            box: { ...strOrNull, description: "the box's own number that received or sent it" },
            modem: { ...strOrNull, description: 'the id of the modem that received or sent it (modems[].id)' },
            messageId: strOrNull,
            size: { type: ['integer', 'null'] },
            expiry: isoOrNull,
            incomplete: { type: 'boolean' },
            parts: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['n', 'contentType', 'charset', 'filename', 'contentId', 'size', 'sha256', 'url'],
                properties: {
                  n: { type: 'integer', minimum: 1 },
                  contentType: { type: 'string' },
                  charset: strOrNull,
                  filename: { type: 'string' },
                  contentId: strOrNull,
                  size: { type: 'integer', minimum: 0 },
                  sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                  url: { type: 'string' },
                },
              },
            },
            states: {
              type: 'array',
              description: 'the states the message went through, oldest first',
              items: { type: 'object', additionalProperties: false, required: ['state', 'at'], properties: { state: { enum: MESSAGE_STATES }, at: iso } },
            },
            events: {
              type: 'array',
              items: { type: 'object', additionalProperties: false, required: ['at', 'kind', 'detail'], properties: { at: iso, kind: { type: 'string' }, detail: {} } },
            },
            reports: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'recipient', 'status', 'at'],
                properties: { kind: { enum: ['delivery', 'read'] }, recipient: strOrNull, status: { type: 'string' }, at: iso },
              },
            },
          },
        },
        Status: {
          type: 'object',
          additionalProperties: false,
          required: ['modem', 'modems', 'bearer', 'queues', 'messages'],
          properties: {
            modem: { type: ['object', 'null'], description: 'as `mmsgw status` shows it; null without a modem' },
            modems: {
              type: 'array',
              description: 'every modem of the box, in configuration order',
              items: {
                type: 'object',
                required: ['id', 'number', 'port', 'profile', 'sends', 'status', 'health'],
                properties: {
                  id: { type: 'string' },
                  number: strOrNull,
                  port: { type: 'string' },
                  profile: strOrNull,
                  sends: { type: 'boolean' },
                  status: { type: 'object' },
                  health: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, problem: { type: 'string' } } },
                },
              },
            },
            bearer: { type: ['object', 'null'] },
            queues: {
              type: 'object',
              additionalProperties: false,
              required: ['queued', 'running', 'done', 'dead'],
              properties: { queued: { type: 'integer' }, running: { type: 'integer' }, done: { type: 'integer' }, dead: { type: 'integer' } },
            },
            messages: { type: 'object', additionalProperties: { type: 'integer' }, description: 'counts by direction:kind:state' },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer', minimum: 400, maximum: 599 },
            detail: { type: 'string' },
            code: { type: 'string' },
            field: { type: 'string', description: 'the request field, header or query parameter that was wrong' },
          },
        },
      },
    },
  };
}
