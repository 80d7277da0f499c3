import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openStore, SCHEMA_VERSION, schemaVersion } from '../../src/store/index.js';
import { MmsgwError } from '../../src/util/errors.js';
import { tempDir } from './helpers.js';

test('migrating a version-1 database keeps its data and adds the new columns', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'mmsgw.db');
    const old = new Database(path);
    migrate(old, 1);
    assert.equal(schemaVersion(old), 1);
    old.prepare(`INSERT INTO messages (id, direction, kind, state, from_addr, transaction_id, content_location, created_at, updated_at)
                 VALUES (7, 'in', 'mms', 'notified', '+15550001', 'TX-old', 'http://m/1', 1, 1)`).run();
    old.prepare("INSERT INTO raw_pdus (kind, msg_id, size, inline_body, received_at) VALUES ('wap-push', 7, 3, x'010203', 1)").run();
    old.prepare("INSERT INTO jobs (kind, key, payload, state, run_at, created_at, updated_at) VALUES ('retrieve', 'retrieve:TX-old', '{}', 'queued', 1, 1, 1)").run();
    old.close();

    const store = openStore({ stateDir: t.dir });
    try {
      assert.equal(store.schemaVersion(), SCHEMA_VERSION);
      const m = store.messages.get(7);
      assert.equal(m?.transactionId, 'TX-old');
      assert.equal(m?.emailMessageId, null);
      const raw = store.content.rawPdusOf(7)[0];
      // v2 backfilled the hash of the old inline PDU.
      assert.equal(raw?.sha256, '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
      assert.equal(store.jobs.claim(5)?.key, 'retrieve:TX-old');
      const again = store.messages.insertOrGet({ direction: 'in', kind: 'mms', state: 'notified', transactionId: 'TX-old', contentLocation: 'http://m/1' }, 'transactionId');
      assert.equal(again.created, false);
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});

test('a database from a newer mmsgw is refused, not modified', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'mmsgw.db');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => openStore({ stateDir: t.dir }), (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_SCHEMA_TOO_NEW' && /upgrade mmsgw/.test(e.message));
  } finally {
    t.cleanup();
  }
});

test('a failing migration rolls back to the previous version', () => {
  const t = tempDir();
  try {
    const db = new Database(join(t.dir, 'x.db'));
    migrate(db, 1);
    db.exec('CREATE INDEX raw_pdus_sha256 ON raw_pdus(kind)'); // v2 creates an index of this name
    assert.throws(() => migrate(db), (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_MIGRATION_FAILED');
    assert.equal(schemaVersion(db), 1);
    const cols = db.prepare("SELECT name FROM pragma_table_info('raw_pdus')").pluck().all();
    assert.ok(!cols.includes('sha256'), 'the ALTER TABLE of the failed migration was rolled back');
    db.close();
  } finally {
    t.cleanup();
  }
});

test('a file that is not a database gives a clear error', () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'mmsgw.db'), 'this is not sqlite'.repeat(100));
    assert.throws(
      () => openStore({ stateDir: t.dir }),
      (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_OPEN_FAILED' && /not an SQLite database/.test(e.message),
    );
  } finally {
    t.cleanup();
  }
});

test('an unusable state directory gives a clear error', () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'blobs'), 'a file where the blob directory should be');
    assert.throws(
      () => openStore({ stateDir: t.dir }),
      (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_OPEN_FAILED' && /cannot use state directory/.test(e.message),
    );
  } finally {
    t.cleanup();
  }
});

test('a corrupted database fails the integrity check on open', () => {
  const t = tempDir();
  try {
    const store = openStore({ stateDir: t.dir });
    store.tx(() => {
      for (let i = 0; i < 400; i++) store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: `+1555${i}`, subject: 'x'.repeat(200) });
    });
    store.close();
    const path = join(t.dir, 'mmsgw.db');
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the middle of the file (table and index pages), leaving the header intact.
    for (let p = 3; p * pageSize < bytes.length - pageSize; p += 2) bytes.fill(0x5a, p * pageSize + 8, p * pageSize + 64);
    writeFileSync(path, bytes);
    assert.throws(
      () => openStore({ stateDir: t.dir }),
      (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_CORRUPT' && /restore the latest backup/.test(e.message),
    );
  } finally {
    t.cleanup();
  }
});

test('a read-only store reads while the writer writes, and cannot write', () => {
  const t = tempDir();
  try {
    const writer = openStore({ stateDir: t.dir });
    const reader = openStore({ stateDir: t.dir, readonly: true });
    try {
      writer.messages.insert({ direction: 'in', kind: 'sms', state: 'received' });
      assert.equal(reader.messages.list().length, 1);
      assert.throws(() => reader.messages.insert({ direction: 'in', kind: 'sms', state: 'received' }), /readonly/);
    } finally {
      reader.close();
      writer.close();
    }
    assert.throws(() => openStore({ stateDir: join(t.dir, 'absent'), readonly: true }), (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_OPEN_FAILED');
  } finally {
    t.cleanup();
  }
});
