/**
 * Who may call: every request under the API carries `Authorization: Bearer <token>` (RFC
 * 6750 §2.1), checked before its body is read; the token's scope must cover the route; then
 * the token's rate limit (a token bucket per token) is charged. Loopback callers are not
 * exempt.
 */
import type { FastifyRequest } from 'fastify';
import { ApiProblem } from './problem.js';
import { allows, type Scope, type TokenRow, type TokensRepo } from './tokens.js';

export interface RateLimit {
  /** Sustained requests per minute per token. */
  readonly perMinute: number;
  /** Requests allowed at once after a quiet period. */
  readonly burst: number;
}

/** Per-token token buckets, in memory (a restart refills them). */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly limit: RateLimit, private readonly now: () => number = Date.now) {}

  /** Charges one request; returns the seconds to wait when the bucket is empty. */
  take(tokenId: number): number | undefined {
    const t = this.now();
    const rate = this.limit.perMinute / 60_000;
    const b = this.buckets.get(tokenId) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + (t - b.at) * rate);
    b.at = t;
    this.buckets.set(tokenId, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The token of a request, or a 401 problem (with the RFC 6750 §3 challenge). */
export function authenticate(req: FastifyRequest, tokens: TokensRepo): TokenRow {
  const header = req.headers.authorization;
  const challenge = (error?: string): Record<string, string> => ({ 'WWW-Authenticate': `Bearer realm="mmsgw"${error ? `, error="${error}"` : ''}` });
  if (header === undefined) throw new ApiProblem(401, 'unauthorized', 'an API token is required: send "Authorization: Bearer <token>"', 'Authorization', challenge());
  const m = BEARER.exec(header);
  if (!m) throw new ApiProblem(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"', 'Authorization', challenge('invalid_request'));
  const row = tokens.verify(m[1] ?? '');
  if (!row) throw new ApiProblem(401, 'unauthorized', 'the token is unknown or revoked', 'Authorization', challenge('invalid_token'));
  return row;
}

export function requireScope(token: TokenRow, scope: Scope): void {
  if (!allows(token.scopes, scope)) {
    throw new ApiProblem(403, 'forbidden', `this token lacks the '${scope}' scope`, 'Authorization', { 'WWW-Authenticate': `Bearer realm="mmsgw", error="insufficient_scope", scope="${scope}"` });
  }
}
