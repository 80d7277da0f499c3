import type { PipelineContext } from '../pipeline/context.js';
import { relayMessageOf, type Mailer } from '../pipeline/relay.js';
import type { EventRow, MessageRow, Store } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';
import { logger } from '../util/log.js';

/** Tells which store id the relay step would give a message once relay revision `revision` is recorded. */
export type RelayIdProbe = (store: Store, message: MessageRow, revision: number) => Promise<string>;

/** Stands in for the instance id: the probe only looks at what the relay step appends to it. */
const PROBE_INSTANCE = 'probe';

const unusedMailer: Mailer = {
  routing: { rules: [], defaultMailboxes: [] },
  relay: () => Promise.reject(new MmsgwError('OPS_PROBE', 'the relay probe sends no mail')),
  messageIdFor: () => {
    throw new MmsgwError('OPS_PROBE', 'the relay probe derives no Message-ID');
  },
};

/**
 * Asks the pipeline's own mapping (src/pipeline/relay.ts `relayMessageOf`, which the relay
 * step uses, and from whose id the email Message-ID is derived) which id the message would
 * carry if the `reprocessed` event with `revision` were already in its timeline. Nothing is
 * written: the event is shown to the mapping through a view of the store.
 */
export const pipelineRelayId: RelayIdProbe = async (store, message, revision) => {
  const pending: EventRow = { id: 0, msgId: message.id, at: Date.now(), kind: 'reprocessed', detail: { relayRevision: revision } };
  const events = Object.assign(Object.create(store.events) as Store['events'], {
    ofMessage: (msgId: number) => [...store.events.ofMessage(msgId), ...(msgId === message.id ? [pending] : [])],
  });
  const view = Object.assign(Object.create(store) as Store, { events });
  const ctx: PipelineContext = { store: view, log: logger('ops'), enqueue: () => undefined, now: Date.now, ownNumber: undefined };
  const msg = await relayMessageOf(ctx, { mailer: unusedMailer, instanceId: PROBE_INSTANCE, attachRawMms: false }, message);
  return msg.id;
};

/** The id the relay step must give relay revision N > 0, so the email's Message-ID is new. */
export function revisedRelayId(base: string, revision: number): string {
  return revision > 0 ? `${base}-r${revision}` : base;
}

/**
 * Refuses a re-relay the mailbox could not tell from the first relay: unless the relay step
 * gives revision N its own id (and so its own Message-ID), the new email would reuse the old
 * Message-ID and be dropped as a duplicate.
 */
export async function assertRelayRevisions(probe: RelayIdProbe, store: Store, message: MessageRow, revision: number): Promise<void> {
  const id = await probe(store, message, revision);
  const expected = revisedRelayId(`${PROBE_INSTANCE}-${message.id}`, revision);
  if (id !== expected) {
    throw new MmsgwError(
      'OPS_RELAY_REVISION',
      `cannot relay message ${message.id} again: the relay step would reuse the first relay's Message-ID (id ${id}, not ${expected}), ` +
        'so the mailbox would drop the new email as a duplicate; this mmsgw does not support relay revisions. Reprocess without --relay.',
      { details: { id: message.id, revision } },
    );
  }
}
