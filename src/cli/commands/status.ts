import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, runOps, UsageError } from '../../ops/cli.js';
import { withReadOnly } from '../../ops/db.js';
import { collectStatus, renderStatus } from '../../ops/status.js';

const USAGE = `usage: mmsgw status (--config FILE | --state-dir DIR) [--json]

What the gateway's database holds right now: messages by direction, kind and state; jobs by
state and the one due first; relays pending, failed and dead; quarantined inputs; when the
last message came in and the last email was accepted; database and WAL size. Reads through a
read-only connection: safe while the gateway runs.

${LOCATION_USAGE}`;

export const command: CliCommand = {
  summary: 'counts of messages, jobs, relays and quarantine in the database; last activity',
  usage: USAGE,
  run: (argv) =>
    runOps('status', USAGE, argv, {}, (inv) => {
      if (inv.positionals.length > 0) throw new UsageError(`unexpected argument '${inv.positionals[0] ?? ''}'`);
      const loc = inv.location();
      const report = withReadOnly(loc, (db) => collectStatus(db, loc));
      inv.print(report, (r) => renderStatus(r, Date.now()));
      return 0;
    }),
};
