import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { MmsgwError } from '../util/errors.js';

/**
 * Credentials and sessions of the web interface. Passwords are kept only as scrypt hashes
 * (RFC 7914) in the form `scrypt$N$r$p$salt$hash` (salt and hash base64); sessions are random
 * 256-bit tokens held in memory (a restart logs everyone out), each with its own CSRF token.
 */

const SCRYPT = { N: 16384, r: 8, p: 1, keyLen: 32 } as const;
/** scrypt needs 128·N·r bytes; allow hashes made with up to N = 2^17. */
const MAX_MEM = 256 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keyLen: number, o: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLen, { ...o, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLen, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function parseHash(encoded: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  const [N, r, p] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
  if (!m || !Number.isInteger(Math.log2(N)) || N < 2 || r < 1 || p < 1 || 128 * N * r > MAX_MEM) {
    throw new MmsgwError('WEB_BAD_PASSWORD_HASH', "web.passwordHash is not a hash printed by 'mmsgw web-password'");
  }
  const key = Buffer.from(m[5] ?? '', 'base64');
  if (key.length < 16) throw new MmsgwError('WEB_BAD_PASSWORD_HASH', 'web.passwordHash: the hash is too short');
  return { N, r, p, salt: Buffer.from(m[4] ?? '', 'base64'), key };
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const h = parseHash(encoded);
  const key = await scryptAsync(password, h.salt, h.key.length, h);
  return timingSafeEqual(key, h.key);
}

/** Compares two strings in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly user: string | null;
  readonly createdAt: number;
  expiresAt: number;
}

/** At most this many live sessions; the oldest goes first. */
const MAX_SESSIONS = 200;

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(user: string | null): Session {
    const t = this.now();
    const s: Session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url'), user, createdAt: t, expiresAt: t + this.ttlMs };
    this.byId.set(s.id, s);
    while (this.byId.size > MAX_SESSIONS) {
      const oldest = this.byId.keys().next().value;
      if (oldest === undefined) break;
      this.byId.delete(oldest);
    }
    return s;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.byId.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.byId.delete(id);
      return undefined;
    }
    return s;
  }

  destroy(id: string): void {
    this.byId.delete(id);
  }
}

/**
 * Login attempts: after `perClient` failures from one address within the window that address
 * waits until the window has passed; all addresses together get `global` failures per
 * window, so a spread-out guesser is slowed as well.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private global: number[] = [];

  constructor(
    private readonly o: { perClient: number; global: number; windowMs: number } = { perClient: 5, global: 30, windowMs: 15 * 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before this client may try again; 0 when it may try now. */
  retryAfter(client: string): number {
    const t = this.now();
    const since = t - this.o.windowMs;
    const own = (this.failures.get(client) ?? []).filter((x) => x > since);
    this.global = this.global.filter((x) => x > since);
    const blockedBy = own.length >= this.o.perClient ? own : this.global.length >= this.o.global ? this.global : undefined;
    if (!blockedBy) return 0;
    return Math.max(1, Math.ceil(((blockedBy[0] ?? t) + this.o.windowMs - t) / 1000));
  }

  fail(client: string): void {
    const t = this.now();
    const own = (this.failures.get(client) ?? []).filter((x) => x > t - this.o.windowMs);
    own.push(t);
    this.failures.set(client, own);
    this.global.push(t);
    if (this.failures.size > 10_000) this.failures.clear();
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }
}
