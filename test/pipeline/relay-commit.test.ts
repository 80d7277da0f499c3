import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asJobFinal } from '../../src/pipeline/last-writes.js';
import { relayMessage, type Mailer } from '../../src/pipeline/relay.js';
import type { RelayMessage, RelayOutcome } from '../../src/mail/out/types.js';
import { walCommits } from '../store/helpers.js';
import { harness, type Harness } from './harness.js';

/**
 * A relay writes nothing before its mail goes out: the Message-ID is fixed by the message, so
 * the relay row is written with the SMTP answer, in the one commit after it. A mail sent again
 * (after a 4xx here; after a crash between the 250 and that commit alike) carries the same
 * Message-ID, and a mailbox recorded `sent` is never sent to again. Commits are counted in the
 * WAL's commit frames (SQLite file format §4.1).
 */

function received(h: Harness): number {
  const msg = h.store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550310002', to: ['+15550100001'], at: h.clock.now });
  h.store.content.replaceParts(msg.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from('a text to relay') }]);
  return msg.id;
}

/** The harness's mailer, answering from `answers` in turn and noting what it was asked to send. */
function scripted(h: Harness, answers: RelayOutcome['kind'][], seen: { commits: number; messageId: string; relayRows: number }[], start: () => number): Mailer {
  return {
    routing: { rules: [], defaultMailboxes: ['inbox@company.test'] },
    messageIdFor: (m: RelayMessage) => h.mailer.messageIdFor(m),
    relay: async (m: RelayMessage, mailbox: string): Promise<RelayOutcome> => {
      const messageId = h.mailer.messageIdFor(m);
      seen.push({ commits: walCommits(h.store.path) - start(), messageId, relayRows: h.store.relays.ofMessage(Number(m.id.split('-').at(-1))).length });
      const kind = answers.shift() ?? 'accepted';
      if (kind === 'accepted') return { kind, response: '250 2.0.0 queued', messageId, mailbox };
      if (kind === 'transient') return { kind, messageId, code: 'MAIL_DEFERRED', message: '451 try later', response: '451 4.3.0 try later' };
      return { kind: 'permanent', messageId, code: 'MAIL_REJECTED', message: '550 no', response: '550 5.1.1 no' };
    },
  };
}

test('a relay commits nothing before the SMTP exchange, and its row with the answer in one commit', async () => {
  const h = await harness();
  try {
    const id = received(h);
    const start = walCommits(h.store.path);
    const seen: { commits: number; messageId: string; relayRows: number }[] = [];
    const mailer = scripted(h, ['accepted'], seen, () => start);
    const final = await asJobFinal((last) => relayMessage(h.ctx, { mailer, instanceId: 'inst', attachRawMms: false }, id, last));
    assert.deepEqual(seen.map((s) => [s.commits, s.relayRows]), [[0, 0]]);
    assert.equal(walCommits(h.store.path) - start, 1, 'the relay row and its 250 in one commit');
    const [row] = h.store.relays.ofMessage(id);
    assert.equal(row?.state, 'sent');
    assert.equal(row?.emailMessageId, seen[0]?.messageId);
    assert.equal(row?.smtpResponse, '250 2.0.0 queued');
    h.store.tx(() => final?.());
    assert.equal(h.store.messages.get(id)?.state, 'relayed');
  } finally {
    await h.close();
  }
});

test('a relay sent again carries the same Message-ID, and a mailbox that accepted is not sent to again', async () => {
  const h = await harness();
  try {
    const id = received(h);
    const seen: { commits: number; messageId: string; relayRows: number }[] = [];
    const mailer = scripted(h, ['transient', 'accepted'], seen, () => 0);
    const deps = { mailer, instanceId: 'inst', attachRawMms: false };
    await assert.rejects(relayMessage(h.ctx, deps, id), /451/);
    assert.equal(h.store.relays.ofMessage(id)[0]?.state, 'failed');
    await relayMessage(h.ctx, deps, id);
    assert.equal(seen.length, 2);
    assert.equal(seen[1]?.messageId, seen[0]?.messageId);
    assert.deepEqual(h.store.relays.ofMessage(id).map((r) => [r.state, r.attempts]), [['sent', 2]]);
    // Run again (a crash after the relay commit, before the job's `done`): nothing is sent.
    h.store.messages.setState(id, 'received', h.clock.now);
    await relayMessage(h.ctx, deps, id);
    assert.equal(seen.length, 2);
    assert.equal(h.store.messages.get(id)?.state, 'relayed');
  } finally {
    await h.close();
  }
});
