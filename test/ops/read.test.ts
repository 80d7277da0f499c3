import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openReadOnly, withReadOnly, withWritable } from '../../src/ops/db.js';
import { locate } from '../../src/ops/locate.js';
import { listMessages, messageDetail } from '../../src/ops/messages.js';
import { renderMessageDetail, renderMessageLines } from '../../src/ops/render-message.js';
import { collectStatus, renderStatus } from '../../src/ops/status.js';
import { listJobs } from '../../src/ops/jobs.js';
import { clean, toJson } from '../../src/ops/text.js';
import { quarantineEntry, renderQuarantineEntry } from '../../src/ops/quarantine.js';
import { openStore } from '../../src/store/index.js';
import { buildFixture, HOSTILE_SUBJECT, type Fixture } from './fixture.js';

/** No ESC, CSI (8-bit), BEL or other control character except the newlines between lines. */
function assertTerminalSafe(text: string): void {
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'control character in terminal output');
}

describe('ops: read commands', () => {
  let f: Fixture;
  before(async () => {
    f = await buildFixture();
  });
  after(() => f.cleanup());

  it('status counts messages, jobs, relays and quarantine in one snapshot', () => {
    const loc = locate({ stateDir: f.dir });
    const s = withReadOnly(loc, (db) => collectStatus(db, loc));
    assert.deepEqual(
      s.messages.map((m) => `${m.direction}:${m.kind}:${m.state}=${m.count}`),
      ['in:mms:relayed=1', 'in:sms:relayed=1'],
    );
    assert.deepEqual(s.jobs, { queued: 0, running: 0, done: 1, dead: 1 });
    assert.equal(s.relays.sent, 1);
    assert.equal(s.quarantined, 1);
    assert.ok(s.dbBytes > 0);
    assert.equal(s.oldestDueJob, null);
    assert.ok(s.lastRelayedAt !== null);
    assertTerminalSafe(renderStatus(s, Date.now()));
  });

  it('lists newest first and never prints a sender\'s escape sequences', () => {
    const lines = withReadOnly(locate({ stateDir: f.dir }), (db) => listMessages(db, { direction: 'in' }));
    assert.deepEqual(
      lines.map((l) => l.id),
      [f.smsId, f.mmsId],
    );
    const text = renderMessageLines(lines);
    assertTerminalSafe(text);
    assert.match(text, /·\[31mRED/);
    assert.equal(withReadOnly(locate({ stateDir: f.dir }), (db) => listMessages(db, { direction: 'out' })).length, 0);
  });

  it('show gathers parts, raw PDUs, relays, timeline and the jobs naming the message', () => {
    const d = withReadOnly(locate({ stateDir: f.dir }), (db) => messageDetail(db, f.mmsId));
    assert.equal(d.message.subject, HOSTILE_SUBJECT);
    assert.equal(d.rawPdus[0]?.kind, 'mms-retrieve-conf');
    assert.equal(d.relays[0]?.smtpResponse, '250 2.0.0 Ok: queued as 1234');
    assert.deepEqual(
      d.events.map((e) => e.kind),
      ['push-received', 'retrieved', 'relayed'],
    );
    assert.deepEqual(
      d.jobs.map((j) => j.key),
      [`relay:${f.mmsId}`],
    );
    const text = renderMessageDetail(d);
    assertTerminalSafe(text);
    assert.match(text, /250 2\.0\.0 Ok/);
    // The JSON form escapes the same characters, so it is safe on a terminal too.
    assertTerminalSafe(toJson(d));
    assert.equal((JSON.parse(toJson(d)) as { message: { subject: string } }).message.subject, HOSTILE_SUBJECT);
  });

  it('names what is missing', () => {
    assert.throws(() => withReadOnly(locate({ stateDir: f.dir }), (db) => messageDetail(db, 999)), /no such message 999/);
    const missing = join(f.dir, 'nowhere');
    assert.throws(() => openReadOnly(locate({ stateDir: missing })), (e: Error) => e.message.includes(`database not found at ${join(missing, 'mmsgw.db')}`));
    assert.equal(existsSync(missing), false, 'a read command must not create the state directory');
  });

  it('reads while the gateway holds its write connection and commits', () => {
    const gateway = openStore({ stateDir: f.dir, synchronous: 'NORMAL' });
    try {
      const loc = locate({ stateDir: f.dir });
      const db = openReadOnly(loc);
      try {
        const before = listJobs(db, undefined, 100).length;
        gateway.tx(() => {
          gateway.jobs.enqueue({ kind: 'relay', key: 'relay:extra', payload: { msgId: f.mmsId } });
        });
        assert.equal(listJobs(db, undefined, 100).length, before + 1, 'a new read sees the committed job');
        assert.throws(() => db.prepare("DELETE FROM jobs WHERE key = 'relay:extra'").run(), /readonly/i);
      } finally {
        db.close();
      }
      gateway.tx(() => gateway.db.prepare("DELETE FROM jobs WHERE key = 'relay:extra'").run());
    } finally {
      gateway.close();
    }
  });

  it('clean shows control and bidi characters visibly', () => {
    assert.equal(clean('a\u001b[0mb\u202ec\r\n'), 'a·[0mb·c··');
  });
});

describe('ops: quarantine view', () => {
  it('dumps the bytes as hex with the error, escape sequences shown visibly', async () => {
    const f = await buildFixture();
    try {
      const e = withReadOnly(locate({ stateDir: f.dir }), (db) => quarantineEntry(db, f.quarantineId));
      const text = renderQuarantineEntry(e, 4096);
      assert.match(text, /00000000 {2}07 91 94 71 00 00 00 f0 {2}04 09/);
      assert.match(text, /field {3}TP-OA at offset 3/);
      assertTerminalSafe(text);
      assert.throws(() => withReadOnly(locate({ stateDir: f.dir }), (db) => quarantineEntry(db, 77)), /no such quarantine entry 77/);
    } finally {
      f.cleanup();
    }
  });
});

describe('ops: database checks', () => {
  it('refuses a database of another schema version instead of migrating it', async () => {
    const f = await buildFixture();
    try {
      const loc = locate({ stateDir: f.dir });
      const raw = new Database(loc.dbPath);
      raw.pragma('user_version = 1');
      raw.close();
      assert.throws(() => openReadOnly(loc), /has schema version 1, older than this mmsgw \(\d+\); restart the gateway once/);
      await assert.rejects(withWritable(loc, () => undefined), /schema version 1/);
      const check = new Database(loc.dbPath, { readonly: true });
      assert.equal(check.pragma('user_version', { simple: true }), 1, 'left as it was');
      check.close();
    } finally {
      f.cleanup();
    }
  });
});
