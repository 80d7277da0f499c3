import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, positiveInt, runOps, UsageError } from '../../ops/cli.js';
import { withWritable } from '../../ops/db.js';
import { reprocessMessage, type PartBrief, type ReprocessResult } from '../../ops/reprocess.js';
import { bytes, clean } from '../../ops/text.js';

const USAGE = `usage: mmsgw reprocess MSG_ID [--relay] (--config FILE | --state-dir DIR) [--json]

Decodes a received message again from the raw bytes kept beside it — after an mmsgw
upgrade fixed a decoder — and replaces its parts: an MMS from its m-retrieve-conf PDU, an
SMS from its SMS-DELIVER PDUs (reassembled and classified again). The timeline gets an event
'reprocessed' with the parts before and after. Refused while the gateway has a job queued or
running for the message.

  --relay           also relay it again, as relay revision N: the email gets its own
                    Message-ID (…-rN), so the mailbox keeps it beside the first one
                    instead of dropping it as a duplicate
${LOCATION_USAGE}`;

function parts(list: readonly PartBrief[]): string {
  return list.length === 0 ? 'none' : list.map((p) => `${clean(p.contentType)} ${bytes(p.size)}`).join(', ');
}

function render(r: ReprocessResult): string {
  const out = [
    `message ${r.msgId} (${r.kind}) re-decoded from raw PDU ${r.rawPduIds.join(', ')}`,
    `  parts before  ${parts(r.partsBefore)}`,
    `  parts now     ${parts(r.partsAfter)}`,
  ];
  if (r.relayJob !== undefined) out.push(`  relay         revision ${r.relayRevision ?? 0} queued as job ${clean(r.relayJob)}`);
  return out.join('\n');
}

export const command: CliCommand = {
  summary: 're-decode a received message from its kept raw PDUs (optionally relay it again)',
  usage: USAGE,
  run: (argv) =>
    runOps('reprocess', USAGE, argv, { relay: { type: 'boolean', default: false } }, async (inv) => {
      if (inv.positionals.length !== 1) throw new UsageError('name one message id');
      const id = positiveInt(inv.positionals[0], 'the message id');
      const result = await withWritable(inv.location(), (store) => reprocessMessage(store, id, { relay: inv.values.relay === true }));
      inv.print(result, render);
      return 0;
    }),
};
