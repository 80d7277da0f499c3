import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { tempStore } from './helpers.js';
import { MmsgwError } from '../../src/util/errors.js';

// Two segments of a concatenated SMS-DELIVER (the bytes need not decode here; the store keeps them as given).
const SEG1 = '07911326040000F0440B911326880736F40000A900000000000000A0050003CC0201';
const SEG2 = '07911326040000F0440B911326880736F40000A900000000000000A0050003CC0202';

test('recordSms stores the raw PDU and its segment together and survives a reopen', () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const r = store.intake.recordSms({
      kind: 'sms-deliver',
      pdu: SEG1,
      receivedAt: 1000,
      storage: 'ME',
      index: 3,
      segment: { originator: '+31628870634', ref: 0xcc, total: 2, seq: 1 },
    });
    assert.equal(r.duplicate, false);
    assert.ok(r.segmentId !== null);
    store.close();
    const again = openStore({ stateDir: dir });
    try {
      const raw = again.content.rawPdu(r.rawPduId);
      assert.equal(raw?.kind, 'sms-deliver');
      assert.equal(raw?.source, 'modem:ME/3');
      assert.equal(raw?.storage, 'inline');
      const open = again.intake.openSegments('+31628870634', 0xcc, 2);
      assert.equal(open.length, 1);
      assert.equal(again.intake.segmentPdu(open[0]!), SEG1.toUpperCase());
    } finally {
      again.close();
    }
  } finally {
    cleanup();
  }
});

test('recordSms is all-or-nothing: a bad segment header records no raw PDU', () => {
  const { store, cleanup } = tempStore();
  try {
    assert.throws(() =>
      store.intake.recordSms({ kind: 'sms-deliver', pdu: SEG1, receivedAt: 1, segment: { originator: '+1', ref: 1, total: 0, seq: 1 } }),
    );
    const n = store.db.prepare('SELECT count(*) FROM raw_pdus').pluck().get();
    assert.equal(n, 0);
    assert.throws(() => store.intake.recordSms({ kind: 'sms-deliver', pdu: 'XYZ', receivedAt: 1 }), /hex/);
  } finally {
    cleanup();
  }
});

test('the same PDU presented again (crash between commit and delete) is recognised as a duplicate', () => {
  const { store, cleanup } = tempStore();
  try {
    const seg = { originator: '+31628870634', ref: 0xcc, total: 2, seq: 1 };
    const a = store.intake.recordSms({ kind: 'sms-deliver', pdu: SEG1, receivedAt: 1000, segment: seg });
    const b = store.intake.recordSms({ kind: 'sms-deliver', pdu: SEG1.toLowerCase(), receivedAt: 5000, segment: seg });
    assert.equal(b.duplicate, true);
    assert.equal(b.rawPduId, a.rawPduId);
    assert.equal(b.segmentId, a.segmentId);
    assert.equal(store.intake.allOpenSegments().length, 1);
    // The same bytes as a status report are a different record.
    assert.equal(store.intake.recordSms({ kind: 'sms-status-report', pdu: SEG1, receivedAt: 6000 }).duplicate, false);
  } finally {
    cleanup();
  }
});

test('consumeSegments links segments and raw PDUs to the joined message in one transaction', () => {
  const { store, cleanup } = tempStore();
  try {
    const seg = { originator: '+31628870634', ref: 0xcc, total: 2 };
    store.intake.recordSms({ kind: 'sms-deliver', pdu: SEG2, receivedAt: 2, segment: { ...seg, seq: 2 } });
    store.intake.recordSms({ kind: 'sms-deliver', pdu: SEG1, receivedAt: 3, segment: { ...seg, seq: 1 } });
    const open = store.intake.openSegments(seg.originator, seg.ref, seg.total);
    assert.deepEqual(open.map((s) => s.seq), [1, 2]);
    const msg = store.tx(() => {
      const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: seg.originator });
      store.intake.consumeSegments(open.map((s) => s.id), m.id);
      return m;
    });
    assert.equal(store.intake.openSegments(seg.originator, seg.ref, seg.total).length, 0);
    assert.equal(store.content.rawPdusOf(msg.id).length, 2);
  } finally {
    cleanup();
  }
});

test('a failing transaction leaves segments unconsumed', () => {
  const { store, cleanup } = tempStore();
  try {
    store.intake.recordSms({ kind: 'sms-deliver', pdu: SEG1, receivedAt: 1, segment: { originator: '+1555', ref: 7, total: 2, seq: 1 } });
    const open = store.intake.allOpenSegments();
    assert.throws(() =>
      store.tx(() => {
        const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received' });
        store.intake.consumeSegments(open.map((s) => s.id), m.id);
        throw new Error('relay step crashed');
      }),
    );
    assert.equal(store.intake.allOpenSegments().length, 1);
    assert.equal(store.messages.list().length, 0);
  } finally {
    cleanup();
  }
});

test('quarantine keeps the undecodable bytes with the error', () => {
  const { store, cleanup } = tempStore();
  try {
    const q = store.intake.quarantine({
      source: 'wap-push',
      bytes: Uint8Array.from([1, 6, 0xff]),
      errorCode: 'CODEC_TRUNCATED',
      errorField: 'headersLength',
      errorOffset: 2,
      message: 'uintvar runs past the end',
      at: 77,
    });
    const back = store.intake.quarantined(q.id);
    assert.deepEqual([...(back?.bytes ?? [])], [1, 6, 0xff]);
    assert.equal(back?.errorField, 'headersLength');
    assert.equal(back?.errorOffset, 2);
    assert.equal(store.intake.listQuarantine()[0]?.id, q.id);
  } finally {
    cleanup();
  }
});

// Durable jobs.

test('enqueue is idempotent by key, whatever the job state', () => {
  const { store, cleanup } = tempStore();
  try {
    const a = store.jobs.enqueue({ kind: 'retrieve', key: 'retrieve:TX1', payload: { txid: 'TX1' } }, 100);
    assert.equal(a.created, true);
    assert.deepEqual(a.job.payload, { txid: 'TX1' });
    const claimed = store.jobs.claim(100);
    assert.equal(claimed?.id, a.job.id);
    store.jobs.complete(a.job.id, 110);
    const b = store.jobs.enqueue({ kind: 'retrieve', key: 'retrieve:TX1', payload: { txid: 'other' } }, 120);
    assert.equal(b.created, false);
    assert.equal(b.job.id, a.job.id);
    assert.equal(b.job.state, 'done');
    assert.deepEqual(b.job.payload, { txid: 'TX1' });
  } finally {
    cleanup();
  }
});

test('claim takes due jobs oldest run_at first, once, and only of the given kinds', () => {
  const { store, cleanup } = tempStore();
  try {
    store.jobs.enqueue({ kind: 'relay', key: 'k-late', runAt: 500 }, 0);
    store.jobs.enqueue({ kind: 'retrieve', key: 'k-b', runAt: 20 }, 0);
    store.jobs.enqueue({ kind: 'relay', key: 'k-a', runAt: 10 }, 0);
    assert.equal(store.jobs.nextRunAt(), 10);
    assert.equal(store.jobs.claim(100, ['retrieve'])?.key, 'k-b');
    const j = store.jobs.claim(100);
    assert.equal(j?.key, 'k-a');
    assert.equal(j?.state, 'running');
    assert.equal(j?.attempts, 1);
    assert.equal(store.jobs.claim(100), undefined, 'k-late is not due yet');
    assert.equal(store.jobs.claim(100, []), undefined);
    assert.equal(store.jobs.claim(500)?.key, 'k-late');
    assert.deepEqual(store.jobs.counts(), { queued: 0, running: 3, done: 0, dead: 0 });
  } finally {
    cleanup();
  }
});

test('fail re-queues with a later run_at; dead and retry move through the dead letter', () => {
  const { store, cleanup } = tempStore();
  try {
    const { job } = store.jobs.enqueue({ kind: 'submit', key: 'submit:1' }, 0);
    store.jobs.claim(0);
    store.jobs.fail(job.id, 1000, 'MMSC 503', 5);
    let j = store.jobs.get(job.id);
    assert.equal(j?.state, 'queued');
    assert.equal(j?.runAt, 1000);
    assert.equal(j?.lastError, 'MMSC 503');
    assert.equal(store.jobs.claim(999), undefined);
    assert.equal(store.jobs.claim(1000)?.attempts, 2);
    store.jobs.dead(job.id, 'MMSC said permanent failure');
    j = store.jobs.get(job.id);
    assert.equal(j?.state, 'dead');
    assert.equal(store.jobs.claim(10_000), undefined);
    assert.throws(
      () => store.jobs.complete(job.id),
      (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_JOB_STATE' && /dead, expected running/.test(e.message),
    );
    store.jobs.retry(job.id, 2000);
    j = store.jobs.get(job.id);
    assert.equal(j?.state, 'queued');
    assert.equal(j?.attempts, 0);
    assert.equal(store.jobs.claim(2000)?.id, job.id);
    assert.throws(() => store.jobs.retry(424242), (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_NOT_FOUND');
  } finally {
    cleanup();
  }
});

test('recoverRunning re-queues jobs a crash left running (after reopening the file)', () => {
  const { store, dir, cleanup } = tempStore();
  try {
    store.jobs.enqueue({ kind: 'retrieve', key: 'r1' }, 0);
    store.jobs.enqueue({ kind: 'retrieve', key: 'r2' }, 0);
    store.jobs.claim(1);
    store.jobs.claim(1);
    store.close(); // the process dies here with both jobs running
    const again = openStore({ stateDir: dir });
    try {
      assert.equal(again.jobs.claim(5), undefined, 'running jobs are not handed out twice');
      assert.equal(again.jobs.recoverRunning(10), 2);
      const a = again.jobs.claim(10);
      assert.equal(a?.key, 'r1');
      assert.equal(a?.attempts, 2, 'the crashed attempt counts');
    } finally {
      again.close();
    }
  } finally {
    cleanup();
  }
});

test('updatePayload and purgeDone', () => {
  const { store, cleanup } = tempStore();
  try {
    const { job } = store.jobs.enqueue({ kind: 'relay', key: 'relay:1', payload: { step: 1 } }, 0);
    store.jobs.claim(0);
    store.jobs.updatePayload(job.id, { step: 2 });
    assert.deepEqual(store.jobs.get(job.id)?.payload, { step: 2 });
    store.jobs.complete(job.id, 50);
    assert.equal(store.jobs.purgeDone(40), 0);
    assert.equal(store.jobs.purgeDone(60), 1);
    assert.equal(store.jobs.getByKey('relay:1'), undefined);
  } finally {
    cleanup();
  }
});
