/**
 * Deleting a parent row makes SQLite look up its children by the child key (sqlite.org/
 * foreignkeys.html §3, "Required and Suggested Database Indexes"): without an index on that
 * column every deleted message or raw PDU scans the child table, and retention pruning grows
 * with the square of the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from './helpers.js';

interface ForeignKey {
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

test('every foreign key of the schema has an index led by its child column', () => {
  const { store, cleanup } = tempStore();
  try {
    const db = store.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const keys: ForeignKey[] = tables.flatMap((t) => (db.prepare(`PRAGMA foreign_key_list(${t})`).all() as { table: string; from: string }[]).map((k) => ({ table: t, from: k.from, to: k.table })));
    assert.ok(keys.length >= 10, `the schema's foreign keys were read (${keys.length})`);
    const unindexed = keys.filter((k) => {
      const indexes = db.prepare(`PRAGMA index_list(${k.table})`).all() as { name: string }[];
      return !indexes.some((i) => (db.prepare(`PRAGMA index_info(${i.name})`).all() as { seqno: number; name: string }[]).find((c) => c.seqno === 0)?.name === k.from);
    });
    assert.deepEqual(unindexed.map((k) => `${k.table}.${k.from} → ${k.to}`), []);
  } finally {
    cleanup();
  }
});

test('pruning a message with SMS segments looks its segments up by index', () => {
  const { store, cleanup } = tempStore();
  try {
    // SQLite's plan for the lookup the foreign key action makes on each deleted message.
    const plan = (store.db.prepare('EXPLAIN QUERY PLAN UPDATE sms_segments SET consumed_by = NULL WHERE consumed_by = ?').all(1) as { detail: string }[]).map((r) => r.detail);
    assert.ok(plan.some((d) => /SEARCH sms_segments USING (COVERING )?INDEX sms_segments_consumed_by/.test(d)), plan.join(' | '));
  } finally {
    cleanup();
  }
});
