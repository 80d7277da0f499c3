/**
 * API bearer tokens (RFC 6750). A token is `mmsgw_` + 32 random bytes in base64url; only its
 * SHA-256 is stored (a random 256-bit secret needs no slow hash: there is nothing to guess
 * from), so a copy of the database lets nobody call the API. Scopes: `send` (POST
 * /messages), `read` (GET messages and parts), `admin` (GET /status; implies the others).
 */
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { MmsgwError } from '../../util/errors.js';

export const SCOPES = ['send', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenRow {
  readonly id: number;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

interface TokenRecord {
  id: number;
  name: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const TOKEN_PREFIX = 'mmsgw_';
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

function toRow(r: TokenRecord): TokenRow {
  return { id: r.id, name: r.name, scopes: r.scopes.split(' ').filter(isScope), createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Does a token with `granted` scopes allow `needed`? `admin` allows everything. */
export function allows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

export class TokensRepo {
  constructor(private readonly db: Database.Database) {}

  /** Creates a token; the secret is returned once and never stored. */
  create(name: string, scopes: readonly Scope[], now: number = Date.now()): { token: string; row: TokenRow } {
    if (!NAME.test(name)) throw new MmsgwError('API_TOKEN_INVALID', `token name '${name}' must be 1–64 letters, digits, "_", "." or "-"`);
    if (scopes.length === 0) throw new MmsgwError('API_TOKEN_INVALID', `a token needs at least one scope (${SCOPES.join(', ')})`);
    if (this.db.prepare('SELECT 1 FROM api_tokens WHERE name = ?').get(name)) {
      throw new MmsgwError('API_TOKEN_INVALID', `a token named '${name}' exists already (revoke it first, or choose another name)`);
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const info = this.db
      .prepare('INSERT INTO api_tokens (name, hash, scopes, created_at) VALUES (?, ?, ?, ?)')
      .run(name, hashToken(token), [...new Set(scopes)].join(' '), now);
    return { token, row: this.get(Number(info.lastInsertRowid)) as TokenRow };
  }

  get(id: number): TokenRow | undefined {
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as TokenRecord | undefined;
    return r && toRow(r);
  }

  list(): TokenRow[] {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY id').all() as TokenRecord[]).map(toRow);
  }

  /** The live token a presented secret belongs to, or undefined (unknown or revoked). */
  verify(token: string): TokenRow | undefined {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE hash = ? AND revoked_at IS NULL').get(hashToken(token)) as TokenRecord | undefined;
    return r && toRow(r);
  }

  /** Records use at most once a minute per token (no write per request). */
  touch(id: number, lastUsedAt: number | null, now: number = Date.now()): void {
    if (lastUsedAt !== null && now - lastUsedAt < 60_000) return;
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, id);
  }

  /** Revokes by name or id; returns false when no live token matched. */
  revoke(nameOrId: string, now: number = Date.now()): boolean {
    const id = /^\d+$/.test(nameOrId) ? Number(nameOrId) : -1;
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE (name = ? OR id = ?) AND revoked_at IS NULL').run(now, nameOrId, id).changes > 0;
  }
}
