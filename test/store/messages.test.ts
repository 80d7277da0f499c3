import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { normalizeAddress, openStore, SCHEMA_VERSION } from '../../src/store/index.js';
import { MmsgwError } from '../../src/util/errors.js';
import { tempStore } from './helpers.js';

test('opening sets WAL, synchronous=FULL, foreign keys and busy_timeout', () => {
  const { store, cleanup } = tempStore();
  try {
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('synchronous', { simple: true }), 2); // FULL
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(store.schemaVersion(), SCHEMA_VERSION);
  } finally {
    cleanup();
  }
});

test('synchronous=NORMAL can be chosen explicitly', () => {
  const { store, cleanup } = tempStore({ synchronous: 'NORMAL' });
  try {
    assert.equal(store.db.pragma('synchronous', { simple: true }), 1);
  } finally {
    cleanup();
  }
});

test('a message is stored with normalized sender and address rows', () => {
  const { store, cleanup } = tempStore();
  try {
    const m = store.messages.insert({
      direction: 'in',
      kind: 'mms',
      state: 'notified',
      from: '+49 151 1234567/TYPE=PLMN',
      to: ['004930123456/TYPE=PLMN'],
      cc: ['Alice <Alice@Example.COM>'],
      subject: 'Hi',
      transactionId: 'T-1',
      contentLocation: 'http://mmsc/1',
      size: 12345,
      expiry: 1_800_000_000_000,
      box: '+4930123456',
      at: 1000,
    });
    assert.equal(m.from, '+491511234567');
    assert.equal(m.createdAt, 1000);
    assert.deepEqual(store.messages.addresses(m.id), [
      { role: 'from', raw: '+49 151 1234567/TYPE=PLMN', normalized: '+491511234567' },
      { role: 'to', raw: '004930123456/TYPE=PLMN', normalized: '+4930123456' },
      { role: 'cc', raw: 'Alice <Alice@Example.COM>', normalized: 'alice@example.com' },
    ]);
    const u = store.messages.update(m.id, { state: 'retrieved', messageId: 'mid-1', incomplete: true }, 2000);
    assert.equal(u.state, 'retrieved');
    assert.equal(u.messageId, 'mid-1');
    assert.equal(u.incomplete, true);
    assert.equal(u.updatedAt, 2000);
    assert.equal(u.subject, 'Hi');
    assert.throws(() => store.messages.update(9999, { state: 'failed' }), (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_NOT_FOUND');
  } finally {
    cleanup();
  }
});

test('addresses normalize to E.164 or lower-case email; other senders are kept', () => {
  assert.equal(normalizeAddress('+1 (555) 010-0001'), '+15550100001');
  assert.equal(normalizeAddress('0049151/TYPE=PLMN'), '+49151');
  assert.equal(normalizeAddress('0151 123'), '0151123');
  assert.equal(normalizeAddress('"Bob" <Bob@Example.ORG>'), 'bob@example.org');
  assert.equal(normalizeAddress('user@EXAMPLE.com/TYPE=EMAIL'), 'user@example.com');
  assert.equal(normalizeAddress(' BANK '), 'BANK');
});

test('insertOrGet by transaction id returns the first message for a repeated notification', () => {
  const { store, cleanup } = tempStore();
  try {
    const n = { direction: 'in', kind: 'mms', state: 'notified', transactionId: 'TX9', contentLocation: 'http://mmsc/9' } as const;
    const a = store.messages.insertOrGet(n, 'transactionId');
    const b = store.messages.insertOrGet({ ...n, subject: 'again' }, 'transactionId');
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.message.id, a.message.id);
    // A carrier reusing a transaction id for a different message (other Content-Location) is a new message.
    const c = store.messages.insertOrGet({ ...n, contentLocation: 'http://mmsc/10' }, 'transactionId');
    assert.equal(c.created, true);
    assert.notEqual(c.message.id, a.message.id);
    assert.equal(store.messages.list({ kind: 'mms' }).length, 2);
    // The unique index holds even without the helper.
    assert.throws(() => store.messages.insert(n));
  } finally {
    cleanup();
  }
});

test('insertOrGet by Message-ID and by source email', () => {
  const { store, cleanup } = tempStore();
  try {
    const a = store.messages.insertOrGet({ direction: 'out', kind: 'mms', state: 'queued', emailMessageId: '<e1@x>' }, 'emailMessageId');
    const b = store.messages.insertOrGet({ direction: 'out', kind: 'mms', state: 'queued', emailMessageId: '<e1@x>' }, 'emailMessageId');
    assert.equal(b.created, false);
    assert.equal(b.message.id, a.message.id);
    const c = store.messages.insertOrGet({ direction: 'in', kind: 'mms', state: 'retrieved', messageId: 'M1' }, 'messageId');
    const d = store.messages.insertOrGet({ direction: 'in', kind: 'mms', state: 'retrieved', messageId: 'M1' }, 'messageId');
    assert.equal(d.message.id, c.message.id);
    assert.equal(store.messages.getByMessageId('M1')?.id, c.message.id);
    assert.throws(() => store.messages.insertOrGet({ direction: 'in', kind: 'mms', state: 'notified' }, 'transactionId'), /needs a transactionId/);
  } finally {
    cleanup();
  }
});

test('list filters and pages newest first', () => {
  const { store, cleanup } = tempStore();
  try {
    for (let i = 0; i < 5; i++) store.messages.insert({ direction: i % 2 ? 'out' : 'in', kind: 'sms', state: i === 4 ? 'failed' : 'received' });
    assert.deepEqual(store.messages.list().map((m) => m.id), [5, 4, 3, 2, 1]);
    assert.deepEqual(store.messages.list({ direction: 'in' }).map((m) => m.id), [5, 3, 1]);
    assert.deepEqual(store.messages.list({ state: ['failed'] }).map((m) => m.id), [5]);
    assert.deepEqual(store.messages.list({ beforeId: 3, limit: 1 }).map((m) => m.id), [2]);
  } finally {
    cleanup();
  }
});

test('list finds messages by any address in normalized form', () => {
  const { store, cleanup } = tempStore();
  try {
    const a = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+4930123456' });
    const b = store.messages.insert({ direction: 'out', kind: 'mms', state: 'sent', to: ['0049 30 123456'] });
    store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550000' });
    assert.deepEqual(store.messages.list({ address: '004930123456' }).map((m) => m.id), [b.id, a.id]);
  } finally {
    cleanup();
  }
});

test('deleting a message cascades to addresses, parts and events but keeps raw PDUs', async () => {
  const { store, cleanup } = tempStore();
  try {
    const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieved', from: '+15550001111' });
    await store.saveParts(m.id, [{ contentType: 'text/plain', body: Buffer.from('hello') }]);
    store.events.add(m.id, 'retrieved');
    const raw = store.content.addRawPdu({ kind: 'mms-retrieve-conf', body: Buffer.from([0x8c, 0x84]), msgId: m.id });
    assert.equal(store.messages.delete(m.id), true);
    assert.equal(store.messages.addresses(m.id).length, 0);
    assert.equal(store.content.parts(m.id).length, 0);
    assert.equal(store.events.ofMessage(m.id).length, 0);
    assert.equal(store.content.rawPdu(raw.id)?.msgId, null);
  } finally {
    cleanup();
  }
});

test('stats count messages by state, and backup writes a consistent copy', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    store.messages.insert({ direction: 'in', kind: 'sms', state: 'received' });
    store.messages.insert({ direction: 'in', kind: 'sms', state: 'received' });
    store.jobs.enqueue({ kind: 'relay', key: 'relay:1' });
    const s = store.stats();
    assert.equal(s.messages['in:sms:received'], 2);
    assert.equal(s.jobs.queued, 1);
    assert.ok(s.dbBytes > 0);
    assert.ok(s.freeBytes !== null && s.freeBytes > 0);
    const copyPath = `${dir}/backup.db`;
    await store.backup(copyPath);
    const copy = openStore({ stateDir: dir, path: copyPath });
    try {
      assert.equal(copy.messages.list().length, 2);
    } finally {
      copy.close();
    }
  } finally {
    cleanup();
  }
});

// Relays, reports and events.

test('a relay row is created once per message and mailbox, with a fixed Message-ID', () => {
  const { store, cleanup } = tempStore();
  try {
    const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieved' });
    const a = store.relays.ensure(m.id, 'ops@example.com', '<mms-1@gw.example>', 10);
    const b = store.relays.ensure(m.id, 'ops@example.com', '<mms-1-other@gw.example>', 20);
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.relay.emailMessageId, '<mms-1@gw.example>');
    store.relays.markFailed(a.relay.id, 'ECONNREFUSED');
    assert.equal(store.relays.unfinished().length, 1);
    const sent = store.relays.markSent(a.relay.id, '250 2.0.0 Ok: queued as ABC');
    assert.equal(sent.state, 'sent');
    assert.equal(sent.attempts, 2);
    assert.equal(sent.lastError, null);
    assert.equal(store.relays.unfinished().length, 0);
    const d = store.relays.ensure(m.id, 'boss@example.com', '<mms-1b@gw.example>');
    assert.equal(store.relays.markDead(d.relay.id, '550 no such user', '550 5.1.1').state, 'dead');
    assert.deepEqual(store.relays.ofMessage(m.id).map((r) => r.state), ['sent', 'dead']);
  } finally {
    cleanup();
  }
});

test('reports link to the sent message by Message-ID; unknown ones are kept unlinked', () => {
  const { store, cleanup } = tempStore();
  try {
    const sent = store.messages.insert({ direction: 'out', kind: 'mms', state: 'sent', messageId: 'MID-42' });
    store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieved', messageId: 'MID-42' });
    const r = store.reports.add({ kind: 'delivery', messageId: 'MID-42', recipient: '+15550002', status: 'retrieved', at: 5 });
    assert.equal(r.msgId, sent.id);
    const read = store.reports.add({ kind: 'read', messageId: 'MID-42', status: 'read', at: 6 });
    assert.deepEqual(store.reports.ofMessage(sent.id).map((x) => x.id), [r.id, read.id]);
    const stray = store.reports.add({ kind: 'delivery', messageId: 'MID-unknown', status: 'expired' });
    assert.equal(stray.msgId, null);
    assert.equal(store.reports.byMessageId('MID-unknown').length, 1);
  } finally {
    cleanup();
  }
});

test('events form a message timeline', () => {
  const { store, cleanup } = tempStore();
  try {
    const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'notified' });
    store.events.add(m.id, 'push-received', { txid: 'T' }, 1);
    store.events.add(m.id, 'fetch-attempt', { attempt: 1, error: 'timeout' }, 2);
    store.events.add(m.id, 'acknowledged', null, 3);
    assert.deepEqual(
      store.events.ofMessage(m.id).map((e) => [e.kind, e.detail]),
      [
        ['push-received', { txid: 'T' }],
        ['fetch-attempt', { attempt: 1, error: 'timeout' }],
        ['acknowledged', null],
      ],
    );
    assert.throws(() => store.events.add(9999, 'relayed'), /FOREIGN KEY/);
  } finally {
    cleanup();
  }
});

test('prune deletes old finished messages with their raw PDUs and files, and nothing unfinished', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const old = store.messages.insert({ direction: 'in', kind: 'mms', state: 'relayed', at: 1000 });
    const raw = await store.saveRawPdu({ kind: 'mms-retrieve-conf', body: Buffer.alloc(20_000, 1), msgId: old.id });
    await store.saveParts(old.id, [{ contentType: 'image/jpeg', body: Buffer.alloc(20_000, 2) }]);
    store.messages.update(old.id, { state: 'relayed' }, 1000);
    const seg = store.intake.recordSms({ kind: 'sms-deliver', pdu: '0791AA', receivedAt: 1000, segment: { originator: '+1', ref: 1, total: 2, seq: 1 } });
    const sms = store.messages.insert({ direction: 'in', kind: 'sms', state: 'relayed', at: 1000 });
    store.intake.consumeSegments([seg.segmentId!], sms.id);
    const pending = store.messages.insert({ direction: 'in', kind: 'mms', state: 'notified', at: 1000 });
    const recent = store.messages.insert({ direction: 'in', kind: 'sms', state: 'relayed', at: 9000 });
    const r = store.prune(5000, Date.now() + 2 * 3600 * 1000);
    assert.equal(r.messages, 2);
    assert.equal(r.rawPdus, 2);
    assert.equal(r.blobs, 2, 'the raw MMS and the picture files are gone');
    assert.equal(store.messages.get(old.id), undefined);
    assert.equal(store.content.rawPdu(raw.id), undefined);
    assert.ok(store.messages.get(pending.id), 'unfinished work is kept');
    assert.ok(store.messages.get(recent.id));
    assert.equal(readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length, 0);
  } finally {
    cleanup();
  }
});

test('housekeeping prunes by retention days, and only collects files without one', async () => {
  const { store, cleanup } = tempStore();
  try {
    const day = 24 * 3600 * 1000;
    const now = 100 * day;
    const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'relayed', at: now - 40 * day });
    store.housekeeping(0, now);
    assert.ok(store.messages.get(m.id), 'retention 0 keeps everything');
    store.housekeeping(60, now);
    assert.ok(store.messages.get(m.id), 'younger than 60 days');
    store.housekeeping(30, now);
    assert.equal(store.messages.get(m.id), undefined);
    store.startMaintenance({ checkpointMs: 60_000, retentionDays: 30 });
  } finally {
    cleanup();
  }
});
