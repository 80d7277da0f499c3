import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, runWindow, type CrashWindow, type WindowResult } from '../helpers/crash-windows.js';

/**
 * Targeted kills inside the group commits (docs/PERFORMANCE.md): the gateway process
 * SIGKILLs itself after the batched work and before the commit that records it — jobs
 * finished but their outcomes not yet committed (the worker's group commit), and a message's
 * blob files durable but their rows not yet committed (BlobStore.putMany). Nothing that was
 * acknowledged may be lost, and since neither window follows an external send, nothing may
 * reach the far side twice.
 */
const WINDOWS: readonly CrashWindow[] = [
  { name: 'SMS in: jobs finished, outcomes not committed', point: 'jobs-settle', flow: 'sms-in' },
  { name: 'MMS in: jobs finished, outcomes not committed', point: 'jobs-settle', flow: 'mms-in' },
  { name: 'Mail in: jobs finished, outcomes not committed', point: 'jobs-settle', flow: 'mail-in' },
  { name: 'MMS in: blob files durable, rows not committed', point: 'blobs-written', flow: 'mms-in', largeMms: true },
];
const KILLS = Number(process.env['MMSGW_KILLS_PER_WINDOW'] ?? 1);

test(`group-commit kills: ${WINDOWS.length} windows × ${KILLS}`, { timeout: 60_000 + WINDOWS.length * KILLS * 60_000 }, async (t) => {
  const rows: WindowResult[] = [];
  try {
    for (const w of WINDOWS) {
      await t.test(w.name, async () => {
        const r = await runWindow(w, KILLS);
        rows.push(r);
        assert.equal(r.lost, 0, `${w.name}: lost messages`);
        assert.equal(r.duplicated, 0, `${w.name}: a message reached the far side twice`);
        assert.equal(r.once, r.kills, `${w.name}: every message reached the far side once`);
        assert.equal(r.flaggedUncertain, 0, `${w.name}: nothing flagged uncertain outside the send windows`);
      });
    }
  } finally {
    process.stderr.write(`\n${renderTable(rows)}\n`);
  }
});
