import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, positiveInt, runOps, UsageError } from '../../ops/cli.js';
import { withReadOnly } from '../../ops/db.js';
import { messageDetail, messageTexts } from '../../ops/messages.js';
import { renderMessageDetail } from '../../ops/render-message.js';

const USAGE = `usage: mmsgw show ID (--config FILE | --state-dir DIR) [--json]

Everything about message ID: its text (the SMS, or the MMS's text parts); addresses; parts (type, name, size, sha256); the raw PDUs kept
beside it (kind, size, source); its relays (mailbox, state, attempts, last error, SMTP
response, email Message-ID); delivery/read reports; its timeline of events with their
details; and the jobs whose payload names it (or one of its raw PDUs).

${LOCATION_USAGE}`;

export const command: CliCommand = {
  summary: 'one message in full: text, parts, raw PDUs, relays, reports, timeline, jobs',
  usage: USAGE,
  run: (argv) =>
    runOps('show', USAGE, argv, {}, (inv) => {
      if (inv.positionals.length !== 1) throw new UsageError('name one message id');
      const id = positiveInt(inv.positionals[0], 'the message id');
      const loc = inv.location();
      const detail = withReadOnly(loc, (db) => ({ ...messageDetail(db, id), texts: messageTexts(db, id, loc.stateDir) }));
      inv.print(detail, renderMessageDetail);
      return 0;
    }),
};
