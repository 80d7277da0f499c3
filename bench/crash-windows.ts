/**
 * The targeted-kill sweep of issue 10: for every window of the message paths, N kills of the
 * gateway process at that exact step (src/util/crash-point.ts), each followed by a restart,
 * counting per window what reached the far side once, what was lost, what was duplicated
 * (and whether the duplicate was flagged), what the store flagged uncertain and what was held.
 *
 *   node --import tsx bench/crash-windows.ts [--kills 10] [--windows sms-read,cmgs-after-pdu] [--json out.json]
 *
 * Real parts throughout: the gateway is `mmsgw run` in its own process, the modem simulator
 * another process on a pty, the MMSC simulator over HTTP, an SMTP sink. About 10 s per kill.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderTable, runWindow, WINDOWS, type WindowResult } from '../test/helpers/crash-windows.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '10' }, windows: { type: 'string' }, json: { type: 'string' } } });
const kills = Number(values.kills);
const only = values.windows?.split(',');
const rows: WindowResult[] = [];
for (const w of WINDOWS.filter((x) => !only || only.includes(x.point))) {
  process.stderr.write(`${w.name}: `);
  try {
    rows.push(await runWindow(w, kills, () => process.stderr.write('.')));
    process.stderr.write(' done\n');
  } catch (e) {
    process.stderr.write(` FAILED: ${(e as Error).message}\n`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 1));
}
const total = rows.reduce((a, r) => ({ kills: a.kills + r.kills, lost: a.lost + r.lost, dup: a.dup + r.duplicated, silent: a.silent + r.duplicated - r.duplicatedFlagged }), { kills: 0, lost: 0, dup: 0, silent: 0 });
console.log(renderTable(rows));
console.log(`\n${total.kills} kills: ${total.lost} lost, ${total.dup} duplicated (${total.silent} unflagged), ${((100 * total.dup) / Math.max(1, total.kills)).toFixed(1)} duplicates per 100 kills`);
