import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, ThreadsRepo } from '../../src/store/index.js';

/**
 * The conversation index: one thread per set of correspondents (the box's own numbers left
 * out; an outbound message's mail sender is not a correspondent), unread marks, keyset
 * paging that visits every conversation once, search, and query plans that use the indexes.
 */

const OWN = '+15550100001';

test('conversations by correspondent set, unread marks, keyset paging, search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-threads-'));
  const store = openStore({ stateDir: dir });
  try {
    const ins = (direction: 'in' | 'out', from: string | null, to: string[], text: string): number => {
      const m = store.messages.insert({ direction, kind: 'sms', state: direction === 'in' ? 'relayed' : 'queued', from, to });
      store.content.replaceParts(m.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(text) }]);
      return m.id;
    };
    const a1 = ins('in', '+15550200001/TYPE=PLMN', [OWN], 'hello there');
    const a2 = ins('out', 'alice@example.com', ['+15550200001'], 'reply by mail');
    const g1 = ins('in', '+15550200002', [OWN, '+15550200003'], 'group hello');
    const g2 = ins('in', '+15550200003', [OWN, '+15550200002'], 'group answer');
    for (let i = 0; i < 25; i++) ins('in', `+1555030${String(i).padStart(4, '0')}`, [OWN], `filler ${i} pineapple`);
    const threads = new ThreadsRepo(store.db, [OWN]);
    assert.equal(threads.catchUp(), 29);
    assert.equal(threads.catchUp(), 0, 'idempotent');

    assert.equal(threads.threadOf(a1), threads.threadOf(a2), 'inbound and the reply share a thread; the mail sender is no correspondent');
    assert.equal(threads.threadOf(g1), threads.threadOf(g2), 'a group MMS is one thread whoever sends');
    const group = threads.get(threads.threadOf(g1) ?? -1);
    assert.deepEqual(group?.participants, ['+15550200002', '+15550200003']);
    assert.equal(group?.unread, 2);
    const alice = threads.get(threads.threadOf(a1) ?? -1);
    assert.equal(alice?.unread, 1, 'outbound messages are not unread');
    assert.equal(alice?.count, 2);

    threads.markRead(group?.id ?? -1);
    assert.equal(threads.get(group?.id ?? -1)?.unread, 0);

    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = threads.list({ limit: 10, ...(before !== undefined ? { before } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((t) => t.id));
      before = page[page.length - 1]?.lastMsgId;
    }
    assert.equal(seen.length, 27);
    assert.equal(new Set(seen).size, 27, 'every conversation exactly once');

    assert.deepEqual(threads.search('555 020 0003').map((t) => t.id), [group?.id]);
    assert.equal(threads.search('pineapple').length, 25);
    assert.deepEqual(threads.search('reply by').map((t) => t.id), [alice?.id]);
    assert.deepEqual(threads.search('100%_'), []);

    // Retention pruning deletes messages: the index recounts and drops what is left empty.
    const fillerThread = threads.threadOf(a1 + 4) ?? -1;
    store.messages.delete(a2);
    store.messages.delete(a1 + 4);
    assert.equal(threads.repair(), 1, 'the emptied conversation is dropped');
    assert.equal(threads.get(fillerThread), undefined);
    const aliceAfter = threads.get(alice?.id ?? -1);
    assert.equal(aliceAfter?.count, 1);
    assert.equal(aliceAfter?.lastMsgId, a1);
    assert.equal(threads.list({ limit: 200 }).length, 26);

    const plan = (sql: string): string => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, 10) as { detail: string }[]).map((r) => r.detail).join('; ');
    assert.match(plan('SELECT * FROM threads WHERE last_msg_id < ? ORDER BY last_msg_id DESC LIMIT ?'), /USING INDEX threads_last/);
    assert.match(plan('SELECT msg_id FROM message_threads WHERE thread_id = ? ORDER BY msg_id DESC LIMIT ?'), /USING (COVERING )?INDEX message_threads_thread/);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
