import { BearerError } from './errors.js';
import type { Bearer, BearerKind, BearerSession, HttpRequest, HttpResponse } from './types.js';
import { logger } from '../util/log.js';

const log = logger('bearer');

/** Failures that say "this bearer cannot reach the MMSC", as opposed to an MMSC answer. */
const REACHABILITY: ReadonlySet<string> = new Set(['BEARER_NO_CONTEXT', 'BEARER_NO_ROUTE', 'BEARER_DNS', 'BEARER_PROXY_REFUSED', 'BEARER_TIMEOUT', 'BEARER_SETUP']);

export interface Diagnosis {
  kind: BearerKind;
  code: string;
  message: string;
}

/**
 * Tries bearers in order (e.g. `interface`, then `modem-http` where the modem profile has an
 * HTTP stack). A bearer that cannot open, or whose request fails for a reachability reason, is
 * skipped for the rest of the session; once one carries a request it is kept. When all fail,
 * the error is the first bearer's (the configured one) with every diagnosis in `details`.
 */
export class FallbackBearer implements Bearer {
  readonly kind: BearerKind;
  /** Why each skipped bearer was skipped, during the last session. */
  diagnoses: Diagnosis[] = [];

  constructor(private readonly chain: readonly Bearer[]) {
    const first = chain[0];
    if (!first) throw new RangeError('FallbackBearer needs at least one bearer');
    this.kind = first.kind;
  }

  open(): Promise<BearerSession> {
    this.diagnoses = [];
    const chain = this.chain;
    const diagnoses = this.diagnoses;
    let index = 0;
    let current: BearerSession | undefined;
    let proven = false;
    let firstError: BearerError | undefined;

    const skip = async (e: unknown): Promise<void> => {
      const be = e instanceof BearerError ? e : new BearerError('BEARER_IO', String(e), { cause: e });
      firstError ??= be;
      const b = chain[index] as Bearer;
      diagnoses.push({ kind: b.kind, code: be.code, message: be.message });
      log.warn({ bearer: b.kind, code: be.code, err: be.message }, 'bearer cannot reach the MMSC; trying the next');
      if (current) await current.close().catch(() => undefined);
      current = undefined;
      index += 1;
    };
    const exhausted = (): BearerError =>
      new BearerError(firstError?.code ?? 'BEARER_NO_ROUTE', `no bearer reaches the MMSC: ${diagnoses.map((d) => `${d.kind}: ${d.message}`).join('; ')}`, { cause: firstError, details: { diagnoses: [...diagnoses] } });

    const session = async (): Promise<BearerSession> => {
      while (!current) {
        const b = chain[index];
        if (!b) throw exhausted();
        try {
          current = await b.open();
        } catch (e) {
          if (!(e instanceof BearerError) || !REACHABILITY.has(e.code)) throw e;
          await skip(e);
        }
      }
      return current;
    };

    return session().then((): BearerSession => ({
      get kind(): BearerKind {
        return current?.kind ?? (chain[index] ?? chain[0] as Bearer).kind;
      },
      async request(req: HttpRequest): Promise<HttpResponse> {
        for (;;) {
          const s = await session();
          try {
            const res = await s.request(req);
            proven = true;
            return res;
          } catch (e) {
            if (proven || !(e instanceof BearerError) || !REACHABILITY.has(e.code)) throw e;
            await skip(e);
          }
        }
      },
      async close(): Promise<void> {
        const s = current;
        current = undefined;
        if (s) await s.close();
      },
    }));
  }
}
