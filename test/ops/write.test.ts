import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { backupDatabase } from '../../src/ops/backup.js';
import { withReadOnly, withWritable } from '../../src/ops/db.js';
import { retryAllDead, retryJob } from '../../src/ops/jobs.js';
import { locate } from '../../src/ops/locate.js';
import { allQuarantine, exportQuarantine } from '../../src/ops/quarantine.js';
import { reprocessMessage } from '../../src/ops/reprocess.js';
import { pipelineRelayId, revisedRelayId, type RelayIdProbe } from '../../src/ops/relay-probe.js';
import { decodeSmsPdu } from '../../src/codec/sms/index.js';
import { JobWorker } from '../../src/pipeline/worker.js';
import { openStore } from '../../src/store/index.js';
import { logger } from '../../src/util/log.js';
import { buildFixture, type Fixture } from './fixture.js';

describe('ops: write commands', () => {
  let f: Fixture;
  const fixtures: Fixture[] = [];
  beforeEach(async () => {
    f = await buildFixture();
    fixtures.push(f);
  });
  after(() => {
    for (const x of fixtures) x.cleanup();
  });

  it('retry moves a dead job back to queued and refuses anything else by name', async () => {
    const loc = locate({ stateDir: f.dir });
    await withWritable(loc, (store) => {
      const r = retryJob(store, f.deadJobId, 5);
      assert.equal(r.retried[0]?.id, f.deadJobId);
      const job = store.jobs.get(f.deadJobId);
      assert.equal(job?.state, 'queued');
      assert.equal(job?.attempts, 0);
      assert.equal(job?.runAt, 5);
      assert.throws(() => retryJob(store, f.deadJobId), /job \d+ \(relay:\d+\) is not a dead job: it is queued/);
      assert.throws(() => retryJob(store, 4242), /no such job 4242/);
      assert.deepEqual(retryAllDead(store).retried, []);
    });
  });

  it('a running worker takes up a job retried from another connection without being poked', async () => {
    const gateway = openStore({ stateDir: f.dir, synchronous: 'NORMAL' });
    let ran: (key: string) => void = () => undefined;
    const picked = new Promise<string>((resolve) => (ran = resolve));
    const worker = new JobWorker({
      queue: gateway.jobs,
      handlers: { relay: { run: (job) => Promise.resolve(ran(job.key)) } },
      log: logger('test'),
    });
    try {
      worker.start();
      await new Promise((r) => setTimeout(r, 50)); // idle: nothing due, sleeping until its next poll
      await withWritable(locate({ stateDir: f.dir }), (store) => retryJob(store, f.deadJobId));
      const started = Date.now();
      assert.equal(await picked, `relay:${f.smsId}`);
      assert.ok(Date.now() - started < 5000, 'picked up at the next poll (maxIdleMs 1 s), not never');
    } finally {
      await worker.stop();
      gateway.close();
    }
  });

  it('reprocess re-decodes an MMS from its m-retrieve-conf and records the change', async () => {
    const loc = locate({ stateDir: f.dir });
    const r = await withWritable(loc, (store) => reprocessMessage(store, f.mmsId, { relay: false }));
    assert.deepEqual(
      r.partsBefore.map((p) => p.contentType),
      ['application/octet-stream'],
    );
    assert.deepEqual(
      r.partsAfter.map((p) => `${p.contentType}:${p.size}`),
      ['text/plain:11', 'image/jpeg:10000'],
    );
    assert.equal(r.relayJob, undefined);
    await withWritable(loc, async (store) => {
      const parts = store.content.parts(f.mmsId);
      assert.equal(Buffer.from(await store.content.partBody(parts[0]!)).toString(), 'hello there');
      assert.equal(parts[1]?.storage, 'file');
      assert.equal(store.messages.get(f.mmsId)?.state, 'relayed', 'without --relay the state is untouched');
      const ev = store.events.ofMessage(f.mmsId).at(-1);
      assert.equal(ev?.kind, 'reprocessed');
      assert.equal(store.relays.ofMessage(f.mmsId).length, 1);
    });
  });

  /** A relay step that appends the revision to the id (the contract in docs/OPERATIONS.md). */
  const revising: RelayIdProbe = (_store, message, revision) => Promise.resolve(revisedRelayId(`probe-${message.id}`, revision));

  it('reprocess --relay queues relay revision 1, then 2, never while a job is pending', async () => {
    const loc = locate({ stateDir: f.dir });
    const first = await withWritable(loc, (store) => reprocessMessage(store, f.mmsId, { relay: true, relayIdProbe: revising }));
    assert.equal(first.relayRevision, 1);
    assert.equal(first.relayJob, `relay:${f.mmsId}:r1`);
    await withWritable(loc, async (store) => {
      assert.equal(store.messages.get(f.mmsId)?.state, 'retrieved');
      assert.equal(store.relays.ofMessage(f.mmsId).length, 0);
      const ev = store.events.ofMessage(f.mmsId).at(-1);
      const detail = ev?.detail as { relayRevision: number; previousRelays: { emailMessageId: string; state: string }[] };
      assert.equal(detail.relayRevision, 1);
      assert.deepEqual(
        detail.previousRelays.map((p) => p.state),
        ['sent'],
      );
      const job = store.jobs.getByKey(`relay:${f.mmsId}:r1`);
      assert.deepEqual(job?.payload, { msgId: f.mmsId, revision: 1 });
      await assert.rejects(reprocessMessage(store, f.mmsId, { relay: true, relayIdProbe: revising }), /message \d+ has a queued job \(relay:\d+:r1\)/);
      const claimed = store.jobs.claim(Date.now() + 1000);
      assert.equal(claimed?.key, `relay:${f.mmsId}:r1`);
      store.jobs.complete(claimed.id);
      const second = await reprocessMessage(store, f.mmsId, { relay: true, relayIdProbe: revising });
      assert.equal(second.relayRevision, 2);
    });
  });

  it('reprocess --relay is refused, changing nothing, when the relay step would reuse the first Message-ID', async () => {
    const loc = locate({ stateDir: f.dir });
    const sameId: RelayIdProbe = (_store, message) => Promise.resolve(`probe-${message.id}`);
    await assert.rejects(
      withWritable(loc, (store) => reprocessMessage(store, f.mmsId, { relay: true, relayIdProbe: sameId })),
      /cannot relay message \d+ again: the relay step would reuse the first relay's Message-ID/,
    );
    await withWritable(loc, async (store) => {
      assert.equal(store.messages.get(f.mmsId)?.state, 'relayed');
      assert.equal(store.relays.ofMessage(f.mmsId).length, 1);
      assert.equal(store.content.parts(f.mmsId)[0]?.contentType, 'application/octet-stream');
      // The probe asks the pipeline's own mapping and writes nothing.
      const id = await pipelineRelayId(store, store.messages.require(f.mmsId), 1);
      assert.match(id, new RegExp(`^probe-${f.mmsId}(-r1)?$`));
      assert.equal(store.events.ofMessage(f.mmsId).filter((e) => e.kind === 'reprocessed').length, 0);
    });
  });

  it('reprocess re-assembles an SMS from its SMS-DELIVER PDUs', async () => {
    const loc = locate({ stateDir: f.dir });
    const r = await withWritable(loc, (store) => reprocessMessage(store, f.smsId, { relay: false }));
    assert.equal(r.rawPduIds.length, 2);
    await withWritable(loc, async (store) => {
      const [part] = store.content.parts(f.smsId);
      assert.equal(Buffer.from(await store.content.partBody(part!)).toString(), 'x'.repeat(200));
    });
    await assert.rejects(
      withWritable(loc, (store) => reprocessMessage(store, 999, { relay: false })),
      /no such message 999/,
    );
  });

  it('quarantine export writes SMS as hex that decodes again, with a safe name', () => {
    const loc = locate({ stateDir: f.dir });
    const entries = withReadOnly(loc, (db) => allQuarantine(db));
    const out = join(f.dir, 'export');
    const files = exportQuarantine(entries, out);
    assert.deepEqual(readdirSync(out), [`q${f.quarantineId}-sms.hex`]);
    assert.equal(statSync(files[0]!).mode & 0o777, 0o600);
    assert.equal(readFileSync(files[0]!, 'latin1'), '07919471000000F00409\n');
    assert.equal(decodeSmsPdu('07919471000000F00409').ok, false, 'still the input the decoder refused');
  });

  it('backup writes a checked standalone copy and refuses to overwrite', async () => {
    const loc = locate({ stateDir: f.dir });
    const dest = join(f.dir, 'copy.db');
    const r = await backupDatabase(loc, dest);
    assert.equal(r.dest, dest);
    const copy = new Database(dest, { readonly: true });
    try {
      assert.equal(copy.prepare('SELECT count(*) FROM messages').pluck().get(), 2);
      assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete');
    } finally {
      copy.close();
    }
    await assert.rejects(backupDatabase(loc, dest), /exists already/);
  });
});
