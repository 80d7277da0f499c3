import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, positiveInt, runOps, UsageError } from '../../ops/cli.js';
import { withReadOnly } from '../../ops/db.js';
import { listMessages } from '../../ops/messages.js';
import { renderMessageLines } from '../../ops/render-message.js';

const STATES = ['received', 'notified', 'retrieving', 'retrieved', 'relayed', 'deferred', 'queued', 'submitting', 'held', 'sent', 'delivered', 'read', 'failed', 'expired', 'rejected'];

const USAGE = `usage: mmsgw messages (--config FILE | --state-dir DIR) [--in | --out] [--state S] [--limit N] [--json]

Messages newest first, one line each: id, time stored, direction, kind, state (* when
incomplete), sender, recipients, subject. Sender and subject come from strangers: control
characters and escape sequences are shown as '·', never sent to the terminal.

  --in, --out       only received / only sent messages
  --state S         only messages in state S:
                    ${STATES.slice(0, 7).join(', ')},
                    ${STATES.slice(7).join(', ')}
  --limit N         at most N lines (default 50, at most 1000)
${LOCATION_USAGE}`;

export const command: CliCommand = {
  summary: 'list messages newest first, one line each',
  usage: USAGE,
  run: (argv) =>
    runOps(
      'messages',
      USAGE,
      argv,
      { in: { type: 'boolean', default: false }, out: { type: 'boolean', default: false }, state: { type: 'string' }, limit: { type: 'string' } },
      (inv) => {
        const v = inv.values;
        if (inv.positionals.length > 0) throw new UsageError(`unexpected argument '${inv.positionals[0] ?? ''}'`);
        if (v.in && v.out) throw new UsageError('--in and --out exclude each other');
        if (v.state !== undefined && !STATES.includes(v.state)) throw new UsageError(`unknown state '${v.state}'`);
        const limit = v.limit === undefined ? 50 : Math.min(positiveInt(v.limit, '--limit'), 1000);
        const lines = withReadOnly(inv.location(), (db) =>
          listMessages(db, { ...(v.in ? { direction: 'in' as const } : v.out ? { direction: 'out' as const } : {}), ...(v.state ? { state: v.state } : {}), limit }),
        );
        inv.print(lines, renderMessageLines);
        return 0;
      },
    ),
};
