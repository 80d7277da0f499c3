import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, positiveInt, runOps, UsageError } from '../../ops/cli.js';
import { withReadOnly } from '../../ops/db.js';
import {
  allQuarantine,
  exportQuarantine,
  listQuarantine,
  quarantineEntry,
  quarantineJson,
  renderQuarantineEntry,
  renderQuarantineList,
} from '../../ops/quarantine.js';
import { clean, toJson } from '../../ops/text.js';

const USAGE = `usage: mmsgw quarantine [ID] [--export DIR] [--limit N] [--bytes N] (--config FILE | --state-dir DIR) [--json]

Inputs the gateway could not decode, kept with their bytes and the decoder's error. Without
ID: a list (source, error code, field, offset, size, message). With ID: that entry and a hex
dump of its bytes. With --export DIR: writes the bytes of the entry (or of every entry) to
DIR as q<ID>-<source>.<ext> — SMS as a line of hex, the rest raw — ready for
\`mmsgw decode FILE\`.

  --export DIR      write the raw bytes to files in DIR (created if missing)
  --limit N         list at most N entries (default 100)
  --bytes N         hex dump at most N bytes (default 4096)
${LOCATION_USAGE}`;

export const command: CliCommand = {
  summary: 'list, dump or export the inputs that could not be decoded',
  usage: USAGE,
  run: (argv) =>
    runOps(
      'quarantine',
      USAGE,
      argv,
      { export: { type: 'string' }, limit: { type: 'string' }, bytes: { type: 'string' } },
      (inv) => {
        const v = inv.values;
        if (inv.positionals.length > 1) throw new UsageError('name at most one quarantine id');
        const id = inv.positionals[0] === undefined ? undefined : positiveInt(inv.positionals[0], 'the quarantine id');
        const limit = v.limit === undefined ? 100 : positiveInt(v.limit, '--limit');
        const dumpBytes = v.bytes === undefined ? 4096 : positiveInt(v.bytes, '--bytes');
        const loc = inv.location();
        if (v.export !== undefined) {
          const dir = v.export;
          const entries = withReadOnly(loc, (db) => (id === undefined ? allQuarantine(db) : [quarantineEntry(db, id)]));
          const files = exportQuarantine(entries, dir);
          inv.print({ exported: files }, (r) => (r.exported.length === 0 ? 'quarantine is empty: nothing exported' : r.exported.map((f) => `wrote ${clean(f)}`).join('\n')));
          return 0;
        }
        if (id === undefined) {
          inv.print(
            withReadOnly(loc, (db) => listQuarantine(db, limit)),
            renderQuarantineList,
          );
          return 0;
        }
        const entry = withReadOnly(loc, (db) => quarantineEntry(db, id));
        if (inv.json) inv.out(toJson(quarantineJson(entry)));
        else inv.out(renderQuarantineEntry(entry, dumpBytes));
        return 0;
      },
    ),
};
