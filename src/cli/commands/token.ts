import { existsSync } from 'node:fs';
import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, runOps, UsageError } from '../../ops/cli.js';
import { withReadOnly, withWritable } from '../../ops/db.js';
import type { Location } from '../../ops/locate.js';
import { table, time } from '../../ops/text.js';
import { openStore, type Store } from '../../store/index.js';
import { isScope, SCOPES, TokensRepo, type Scope, type TokenRow } from '../../web/api/tokens.js';

const USAGE = `usage: mmsgw token create NAME [--scope S]... (--config FILE | --state-dir DIR) [--json]
       mmsgw token list (--config FILE | --state-dir DIR) [--json]
       mmsgw token revoke NAME|ID (--config FILE | --state-dir DIR) [--json]

Bearer tokens of the REST API (docs/API.md). \`create\` prints the token once; only a hash
of it is stored, so it cannot be shown again. \`revoke\` stops it at once.

  --scope S         ${SCOPES.join(', ')} (repeatable, or comma-separated; default: send,read).
                    admin allows everything.
${LOCATION_USAGE}`;

interface Listed {
  readonly id: number;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

const listed = (t: TokenRow): Listed => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  createdAt: new Date(t.createdAt).toISOString(),
  lastUsedAt: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
  revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

/** Creating the first token may come before the gateway's first start: then the database is created here. */
async function withStore<T>(loc: Location, fn: (store: Store) => T): Promise<T> {
  if (existsSync(loc.dbPath)) return withWritable(loc, fn);
  const store = openStore({ stateDir: loc.stateDir, path: loc.dbPath });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function scopesOf(values: readonly string[] | undefined): Scope[] {
  const list = (values ?? ['send,read']).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  for (const s of list) if (!isScope(s)) throw new UsageError(`unknown scope '${s}' (one of ${SCOPES.join(', ')})`);
  return [...new Set(list)] as Scope[];
}

export const command: CliCommand = {
  summary: 'create, list and revoke REST API tokens',
  usage: USAGE,
  run: (argv) =>
    runOps('token', USAGE, argv, { scope: { type: 'string', multiple: true } }, async (inv) => {
      const [action, arg, extra] = inv.positionals;
      if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
      if (action === 'create') {
        if (arg === undefined) throw new UsageError('name the token: mmsgw token create NAME');
        const scopes = scopesOf(inv.values.scope);
        const made = await withStore(inv.location(), (store) => new TokensRepo(store.db).create(arg, scopes));
        inv.print({ ...listed(made.row), token: made.token }, (v) => `${v.token}\n\ntoken '${v.name}' (id ${v.id}, scopes ${v.scopes.join(',')}): keep it now, it cannot be shown again.`);
        return 0;
      }
      if (inv.values.scope !== undefined) throw new UsageError('--scope belongs to create');
      if (action === 'list') {
        if (arg !== undefined) throw new UsageError(`unexpected argument '${arg}'`);
        const rows = withReadOnly(inv.location(), (db) => new TokensRepo(db).list().map(listed));
        inv.print(rows, (v) =>
          v.length === 0
            ? 'no API tokens (mmsgw token create NAME)'
            : table(['id', 'name', 'scopes', 'created', 'last used', 'revoked'], v.map((t) => [String(t.id), t.name, t.scopes.join(','), time(Date.parse(t.createdAt)), t.lastUsedAt ? time(Date.parse(t.lastUsedAt)) : '-', t.revokedAt ? time(Date.parse(t.revokedAt)) : '-'])),
        );
        return 0;
      }
      if (action === 'revoke') {
        if (arg === undefined) throw new UsageError('name the token: mmsgw token revoke NAME|ID');
        const done = await withWritable(inv.location(), (store) => new TokensRepo(store.db).revoke(arg));
        if (!done) {
          inv.print({ revoked: false, token: arg }, () => `no live token '${arg}'`);
          return 1;
        }
        inv.print({ revoked: true, token: arg }, () => `token '${arg}' revoked`);
        return 0;
      }
      throw new UsageError(action === undefined ? 'say create, list or revoke' : `unknown action '${action}'`);
    }),
};
