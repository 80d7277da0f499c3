import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMms, encodeMms } from '../../src/codec/mms/index.js';
import { asJobFinal } from '../../src/pipeline/last-writes.js';
import { retrieveMms, type Retriever } from '../../src/pipeline/retrieve.js';
import { mmsAddress, mmsPdu } from '../../src/sim/mmsc/pdus.js';
import { walCommits } from '../store/helpers.js';
import { harness } from './harness.js';

/**
 * A fetched MMS is recorded in one commit: its raw m-retrieve-conf and its parts go to blob
 * files together, then the raw PDU's row, the parts, the message's new state and its events
 * are committed at once — not the raw PDU first in a commit of its own. Commits are counted in
 * the WAL's commit frames (SQLite file format §4.1). The MM1 side is the test's own: it hands
 * over an m-retrieve-conf written to a file, as src/mmsc's client does after a download.
 */
test('a fetched MMS: its raw PDU, parts and state in one commit, after the commit that marks it retrieving', async () => {
  const h = await harness();
  try {
    const picture = randomBytes(20_000);
    const raw = encodeMms(mmsPdu({
      messageType: 'm-retrieve-conf',
      transactionId: 'one-commit-1',
      mmsVersion: '1.2',
      date: new Date(h.clock.now),
      from: mmsAddress('+4915112345678'),
      to: [mmsAddress('+15550100001')],
      subject: 'one commit',
      contentType: { mediaType: 'application/vnd.wap.multipart.mixed', params: {} },
      parts: [
        { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', name: 't.txt', body: Buffer.from('hello') },
        { contentType: 'image/jpeg', params: {}, name: 'p.jpg', body: picture },
      ],
    }));
    const file = join(h.dir, 'download.bin');
    const told: string[] = [];
    const mm1: Retriever = {
      retrieve: async () => {
        writeFileSync(file, raw);
        const d = decodeMms(raw);
        if (!d.ok) throw new Error(d.error.message);
        return { file, bytes: raw.byteLength, body: raw, pdu: d.value, attempts: [] };
      },
      notifyResp: async (_tx, status) => {
        told.push(status);
        return [];
      },
      use: (fn) => fn(),
    };
    const msg = h.store.messages.insert({ direction: 'in', kind: 'mms', state: 'notified', from: '+4915112345678', to: ['+15550100001'], transactionId: 'one-commit-1', contentLocation: 'http://mmsc.test/m/1', size: raw.byteLength, at: h.clock.now });

    const before = walCommits(h.store.path);
    const final = await asJobFinal((last) => retrieveMms(h.ctx, { mm1, tmpDir: h.dir, maxSize: 1_000_000, retrieval: 'immediate', reportAllowed: true }, msg.id, new AbortController().signal, last));
    // One commit marks it retrieving before the download, one records what was fetched.
    assert.equal(walCommits(h.store.path) - before, 2, 'commits during the fetch');
    assert.deepEqual(told, ['retrieved']);

    const rows = h.store.content.rawPdusOf(msg.id);
    assert.deepEqual(rows.map((r) => [r.kind, r.size]), [['mms-retrieve-conf', raw.byteLength]]);
    assert.deepEqual(Buffer.from(await h.store.content.rawPduBody(rows[0]!)), Buffer.from(raw));
    const parts = h.store.content.parts(msg.id);
    assert.deepEqual(parts.map((p) => [p.contentType, p.size]), [['text/plain', 5], ['image/jpeg', picture.length]]);
    assert.equal(h.store.messages.get(msg.id)?.state, 'retrieved');
    assert.equal(typeof final, 'function', 'the acknowledgement and the relay job are its last writes');
  } finally {
    await h.close();
  }
});
