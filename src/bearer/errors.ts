import { MmsgwError } from '../util/errors.js';

/**
 * Why a bearer could not carry an exchange to the MMSC. The codes are the diagnosis shown to
 * the user ("the MMS APN has no context", "no route to the proxy", ...); `transient` says
 * whether trying again later can help.
 */
export type BearerErrorCode =
  | 'BEARER_NO_CONTEXT'
  | 'BEARER_NO_ROUTE'
  | 'BEARER_DNS'
  | 'BEARER_PROXY_REFUSED'
  | 'BEARER_TIMEOUT'
  | 'BEARER_TRUNCATED'
  | 'BEARER_TOO_LARGE'
  | 'BEARER_IO'
  | 'BEARER_SETUP'
  | 'BEARER_ABORTED'
  | 'BEARER_UNSUPPORTED'
  /** The destination address is not allowed (HttpRequest.checkAddress). */
  | 'BEARER_REFUSED';

const PERMANENT: ReadonlySet<BearerErrorCode> = new Set(['BEARER_TOO_LARGE', 'BEARER_UNSUPPORTED', 'BEARER_REFUSED']);

/** Applies `req.checkAddress` to resolved addresses; throws BEARER_REFUSED on the first refused one. */
export function assertAddressesAllowed(check: ((address: string) => string | undefined) | undefined, addresses: readonly string[]): void {
  if (!check) return;
  for (const a of addresses) {
    const reason = check(a);
    if (reason !== undefined) throw new BearerError('BEARER_REFUSED', `refused to connect: ${reason}`, { details: { address: a } });
  }
}

export class BearerError extends MmsgwError {
  override readonly code: BearerErrorCode;
  readonly transient: boolean;

  constructor(code: BearerErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.code = code;
    this.transient = !PERMANENT.has(code);
  }
}

const NO_ROUTE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA', 'ESERVFAIL', 'ENOTIMP', 'EREFUSED', 'ECONNREFUSED_DNS']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ETIMEOUT']);

/**
 * Maps a socket or resolver failure to a BearerError. `viaProxy` turns a refused connection
 * into BEARER_PROXY_REFUSED (the WAP proxy is the only peer we connect to in that case).
 */
export function classifySocketError(e: unknown, ctx: { host: string; viaProxy: boolean }): BearerError {
  if (e instanceof BearerError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const msg = e instanceof Error ? e.message : String(e);
  const details = { host: ctx.host, errno: code || undefined };
  if (NO_ROUTE.has(code)) return new BearerError('BEARER_NO_ROUTE', `no route to ${ctx.host} (${code})`, { cause: e, details });
  if (DNS.has(code)) return new BearerError('BEARER_DNS', `cannot resolve ${ctx.host} (${code})`, { cause: e, details });
  if (TIMEOUT.has(code)) return new BearerError('BEARER_TIMEOUT', `timed out talking to ${ctx.host}`, { cause: e, details });
  if (code === 'ECONNREFUSED') {
    return ctx.viaProxy
      ? new BearerError('BEARER_PROXY_REFUSED', `the MMS proxy ${ctx.host} refused the connection`, { cause: e, details })
      : new BearerError('BEARER_IO', `${ctx.host} refused the connection`, { cause: e, details });
  }
  return new BearerError('BEARER_IO', `exchange with ${ctx.host} failed: ${msg}`, { cause: e, details });
}
