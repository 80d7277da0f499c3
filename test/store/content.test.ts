import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INLINE_MAX_BYTES, sanitizeFilename } from '../../src/store/index.js';
import { MmsgwError } from '../../src/util/errors.js';
import { tempStore } from './helpers.js';

test('small parts are inline, large ones are content-addressed files, and both read back', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieving' });
    const photo = randomBytes(300 * 1024);
    const parts = await store.saveParts(m.id, [
      { contentType: 'application/smil', body: Buffer.from('<smil/>'), contentId: '<smil>' },
      { contentType: 'image/jpeg', body: photo, filename: '../../etc/passwd', params: { name: 'x.jpg' } },
      { contentType: 'text/plain', body: Buffer.from('hello'), charset: 'utf-8', name: 'text.txt' },
    ]);
    assert.deepEqual(parts.map((p) => p.storage), ['inline', 'file', 'inline']);
    assert.deepEqual(parts.map((p) => p.filename), ['part-1.smil', 'passwd', 'text.txt']);
    assert.deepEqual(parts[1]?.params, { name: 'x.jpg' });
    const p1 = parts[1]!;
    assert.equal(p1.size, photo.length);
    assert.match(p1.blobPath ?? '', /^blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    assert.ok(existsSync(join(dir, p1.blobPath!)));
    assert.deepEqual(Buffer.from(await store.content.partBody(p1)), photo);
    assert.equal(store.content.partFile(p1), join(dir, p1.blobPath!));
    assert.equal(store.content.partFile(parts[0]!), undefined);
    assert.equal(Buffer.from(await store.content.partBody(parts[2]!)).toString(), 'hello');
    assert.deepEqual(readdirSync(join(dir, 'blobs', 'tmp')), [], 'no temp file left behind');
  } finally {
    cleanup();
  }
});

test('saving parts again replaces them (a retried retrieval) and identical bodies share one file', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const body = randomBytes(INLINE_MAX_BYTES + 1);
    const a = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieving' });
    const b = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieving' });
    await store.saveParts(a.id, [{ contentType: 'image/png', body }]);
    await store.saveParts(a.id, [{ contentType: 'image/png', body }]);
    await store.saveParts(b.id, [{ contentType: 'image/png', body }]);
    assert.equal(store.content.parts(a.id).length, 1);
    const files = readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.equal(files.length, 1);
  } finally {
    cleanup();
  }
});

test('a large body given as bytes to the synchronous API is refused', () => {
  const { store, cleanup } = tempStore();
  try {
    const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieving' });
    assert.throws(
      () => store.content.replaceParts(m.id, [{ contentType: 'image/jpeg', body: new Uint8Array(INLINE_MAX_BYTES + 1) }]),
      (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_BAD_INPUT',
    );
  } finally {
    cleanup();
  }
});

test('a blob altered on disk is detected when read', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const raw = await store.saveRawPdu({ kind: 'mms-retrieve-conf', body: randomBytes(20_000), source: 'mmsc' });
    assert.equal(raw.storage, 'file');
    writeFileSync(join(dir, raw.blobPath!), randomBytes(20_000));
    await assert.rejects(store.content.rawPduBody(raw), (e: unknown) => e instanceof MmsgwError && e.code === 'STORE_BLOB_CORRUPT');
  } finally {
    cleanup();
  }
});

test('putting an existing blob repairs a damaged copy and refreshes its age', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const body = randomBytes(20_000);
    const ref = await store.putBlob(body);
    const abs = join(dir, ref.path);
    writeFileSync(abs, randomBytes(20_000)); // same size, wrong content
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(abs, old, old);
    await store.putBlob(body);
    assert.deepEqual(Buffer.from(await store.blobs.read(ref)), body);
    utimesSync(abs, old, old);
    await store.putBlob(body);
    assert.ok(Date.now() - statSync(abs).mtimeMs < 60_000, 'an existing blob is touched so gc keeps it');
    assert.equal(store.gcBlobs(), 0);
  } finally {
    cleanup();
  }
});

test('gcBlobs removes only old unreferenced files and crash leftovers', async () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const kept = await store.saveRawPdu({ kind: 'mms-retrieve-conf', body: randomBytes(10_000) });
    const orphan = await store.putBlob(randomBytes(10_000)); // written, but its row never committed
    const young = await store.putBlob(randomBytes(10_000));
    mkdirSync(join(dir, 'blobs', 'tmp'), { recursive: true });
    const leftover = join(dir, 'blobs', 'tmp', 'abc.tmp');
    writeFileSync(leftover, 'partial');
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    for (const p of [kept.blobPath!, orphan.path]) utimesSync(join(dir, p), old, old);
    utimesSync(leftover, old, old);
    assert.equal(store.gcBlobs(), 2);
    assert.ok(existsSync(join(dir, kept.blobPath!)));
    assert.ok(!existsSync(join(dir, orphan.path)));
    assert.ok(existsSync(join(dir, young.path)));
    assert.ok(!existsSync(leftover));
  } finally {
    cleanup();
  }
});

test('checkpoint truncates the WAL', () => {
  const { store, dir, cleanup } = tempStore();
  try {
    const walPath = join(dir, 'mmsgw.db-wal');
    for (let i = 0; i < 50; i++) store.messages.insert({ direction: 'in', kind: 'sms', state: 'received' });
    assert.ok(statSync(walPath).size > 0, 'commits went to the WAL');
    const r = store.checkpoint();
    assert.equal(r.busy, 0);
    assert.equal(statSync(walPath).size, 0);
    assert.equal(store.db.prepare('SELECT count(*) FROM messages').pluck().get(), 50);
  } finally {
    cleanup();
  }
});

// File names from message content.

test('path components are dropped, only the last name is kept', () => {
  assert.equal(sanitizeFilename('../../etc/passwd', 'part'), 'passwd');
  assert.equal(sanitizeFilename('..\\..\\windows\\system32\\cmd.exe', 'part'), 'cmd.exe');
  assert.equal(sanitizeFilename('/absolute/photo.jpg', 'part'), 'photo.jpg');
  assert.equal(sanitizeFilename('..', 'fallback.bin'), 'fallback.bin');
  assert.equal(sanitizeFilename('../', 'fallback.bin'), 'fallback.bin');
});

test('control characters, NUL and shell/path specials are replaced', () => {
  assert.equal(sanitizeFilename('a\u0000b', 'part'), 'a_b');
  assert.equal(sanitizeFilename('new\r\nline.txt', 'part'), 'new_line.txt');
  assert.equal(sanitizeFilename('what?*"<>|:.jpg', 'part'), 'what_.jpg');
  assert.equal(sanitizeFilename('bell\u0007\u009b.png', 'part'), 'bell_.png');
});

test('bidi overrides cannot disguise the extension', () => {
  const s = sanitizeFilename('invoice\u202Egpj.exe', 'part');
  assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(s));
  assert.equal(s, 'invoice_gpj.exe');
  assert.equal(sanitizeFilename('\u2067photo\u2069.jpg', 'part'), 'photo_.jpg');
  assert.equal(sanitizeFilename('zero\u200Bwidth.txt', 'part'), 'zero_width.txt');
});

test('leading dots and trailing dots/spaces are removed (no hidden files)', () => {
  assert.equal(sanitizeFilename('.bashrc', 'part'), 'bashrc');
  assert.equal(sanitizeFilename('...hidden.jpg', 'part'), 'hidden.jpg');
  assert.equal(sanitizeFilename('name.txt. . ', 'part'), 'name.txt');
  assert.equal(sanitizeFilename('   ', 'fallback.txt'), 'fallback.txt');
});

test('reserved device names are made harmless', () => {
  assert.equal(sanitizeFilename('CON', 'part'), '_CON');
  assert.equal(sanitizeFilename('con.txt', 'part'), '_con.txt');
  assert.equal(sanitizeFilename('LPT1.jpg', 'part'), '_LPT1.jpg');
  assert.equal(sanitizeFilename('nul', 'part'), '_nul');
  assert.equal(sanitizeFilename('CONSOLE.txt', 'part'), 'CONSOLE.txt');
});

test('long names are cut to 120 UTF-8 bytes keeping the extension', () => {
  const long = sanitizeFilename(`${'a'.repeat(300)}.jpeg`, 'part');
  assert.equal(Buffer.byteLength(long), 120);
  assert.ok(long.endsWith('.jpeg'));
  const multibyte = sanitizeFilename(`${'ü'.repeat(300)}.png`, 'part');
  assert.ok(Buffer.byteLength(multibyte) <= 120);
  assert.ok(multibyte.endsWith('ü.png'), 'no character split in half');
  const noExt = sanitizeFilename('x'.repeat(300), 'part');
  assert.equal(noExt.length, 120);
});

test('the fallback is used when nothing is left, and is sanitized too', () => {
  assert.equal(sanitizeFilename(null, 'part-1.jpg'), 'part-1.jpg');
  assert.equal(sanitizeFilename(undefined, '../evil'), 'evil');
  assert.equal(sanitizeFilename('\u0000\u0001', ''), 'part');
  assert.equal(sanitizeFilename('ordinary photo (1).jpg', 'part'), 'ordinary photo (1).jpg');
  assert.equal(sanitizeFilename('Grüße.txt', 'part'), 'Grüße.txt');
});
