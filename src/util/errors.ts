/**
 * The error registry. Every error the gateway raises on purpose is an MmsgwError with a
 * stable string code grouped by area (`CODEC_*`, `AT_*`, `MODEM_*`, `BEARER_*`, `MM1_*`,
 * `STORE_*`, `MAIL_*`, `CONFIG_*`). Spec-defined numbers (27.005 +CMS, 27.007 +CME,
 * OMA-TS-MMS_ENC response status) travel in `specCode`.
 */
export class MmsgwError extends Error {
  readonly code: string;
  readonly specCode: number | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options?: { cause?: unknown; specCode?: number; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.specCode = options?.specCode;
    this.details = options?.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, specCode: this.specCode, ...this.details };
  }
}

/**
 * A decoder's refusal: names the field it was reading and the byte offset where the input
 * stopped making sense. `offset` is relative to the start of the buffer given to the decoder.
 */
export class DecodeError extends MmsgwError {
  readonly field: string;
  readonly offset: number;

  constructor(code: string, field: string, offset: number, message: string, options?: { cause?: unknown }) {
    super(code, `${field} at offset ${offset}: ${message}`, { ...options, details: { field, offset } });
    this.field = field;
    this.offset = offset;
  }
}

/** A configuration problem: `key` is the dotted path of the offending setting. */
export class ConfigError extends MmsgwError {
  readonly key: string;

  constructor(key: string, message: string) {
    super('CONFIG_INVALID', `${key}: ${message}`, { details: { key } });
    this.key = key;
  }
}

/** Message of any thrown value, for logs and error records. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
