import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, runWindow, WINDOWS, type WindowResult } from '../helpers/crash-windows.js';

/**
 * Targeted kills in every window of the message paths (issue 10): the gateway process
 * SIGKILLs itself at an exact step (src/util/crash-point.ts), is started again, and what
 * reached the far side is counted. The guarantees checked are those docs/PIPELINE.md states:
 * nothing is lost in any window; a copy sent twice happens only where the network or the
 * mail server took the message and the answer was not yet recorded, and every such copy is
 * flagged (the send uncertain, or the relay under the same Message-ID).
 *
 * `MMSGW_KILLS_PER_WINDOW` (default 1 here; bench/crash-windows.ts runs 10) kills per window;
 * `MMSGW_KILL_WINDOWS` restricts to a comma-separated list of crash points.
 */
const KILLS = Number(process.env['MMSGW_KILLS_PER_WINDOW'] ?? 1);
const only = process.env['MMSGW_KILL_WINDOWS']?.split(',');
const windows = WINDOWS.filter((w) => !only || only.includes(w.point));

/** The windows where the far side may have the message already when the kill lands. */
const MAY_DUPLICATE = new Set(['cmgs-after-pdu', 'cmgs-answered', 'msend-confirmed', 'smtp-after-250', 'mms-acked']);

test(`targeted kills: ${windows.length} windows × ${KILLS}`, { timeout: 60_000 + windows.length * KILLS * 60_000 }, async (t) => {
  const rows: WindowResult[] = [];
  try {
    for (const w of windows) {
      // A kill at the "> " prompt leaves the modem waiting for PDU text; the gateway must cancel
      // it with ESC when it opens the port (src/modem, issue 10 "The box goes deaf").
      const todo = w.point === 'cmgs-before-pdu' ? 'needs ESC + flush when the port opens (modem layer, issue 10 "the box goes deaf")' : undefined;
      await t.test(w.name, todo ? { todo } : {}, async () => {
        const r = await runWindow(w, KILLS);
        rows.push(r);
        assert.equal(r.lost, 0, `${w.name}: lost messages`);
        assert.equal(r.duplicated, r.duplicatedFlagged, `${w.name}: a duplicate nobody flagged`);
        if (!MAY_DUPLICATE.has(w.point)) assert.equal(r.duplicated, 0, `${w.name}: duplicates outside the write→record window`);
        if (w.uncertain === 'hold' || (w.flow === 'mms-out' && w.uncertain === undefined)) {
          assert.equal(r.duplicated, 0, `${w.name}: held sends must not be sent again`);
          assert.equal(r.held, r.kills, `${w.name}: every uncertain send held`);
        }
        if (w.point.startsWith('cmgs-') || w.point.startsWith('msend-')) {
          assert.equal(r.flaggedUncertain, r.kills, `${w.name}: every kill inside the window flagged uncertain`);
          assert.equal(r.senderTold, r.kills, `${w.name}: the sender is told about every uncertain send`);
          assert.equal(r.listedUncertain, r.kills, `${w.name}: \`mmsgw jobs --uncertain\` lists every uncertain send`);
        } else {
          assert.equal(r.flaggedUncertain, 0, `${w.name}: nothing flagged uncertain outside the send windows`);
        }
      });
    }
  } finally {
    process.stderr.write(`\n${renderTable(rows)}\n`);
  }
});
