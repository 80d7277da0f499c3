/**
 * The codec benchmark's C baseline (bench/tshark-baseline.ts) hands tshark packets its MMS
 * dissector decodes: a hand-assembled m-send-conf, wrapped as a WSP Push, comes out of tshark
 * with the field values written out here from OMA-TS-MMS_ENC, and the per-PDU cross-check
 * reports a disagreement when the expected counts are wrong (it can fail).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODES, TSHARK, measureTshark, tsharkAvailable, writeMmsPcap } from '../../bench/tshark-baseline.js';

const skip = tsharkAvailable() ? false : `skipped: ${TSHARK} is absent (Debian package "tshark"); CI installs it`;

// m-send-conf (OMA-TS-MMS_ENC §6.1.2): X-Mms-Message-Type (0x8C) m-send-conf (0x81),
// X-Mms-Transaction-ID (0x98) "abc" NUL, X-Mms-MMS-Version (0x8D) 1.0 (0x90),
// X-Mms-Response-Status (0x92) Ok (0x80) — §7.3.75, §7.3.63, §7.3.34, §7.3.48.
const SEND_CONF = Uint8Array.from([0x8c, 0x81, 0x98, 0x61, 0x62, 0x63, 0x00, 0x8d, 0x90, 0x92, 0x80]);

let dir = '';
before(() => {
  if (!skip) dir = mkdtempSync(join(tmpdir(), 'mmsgw-tshark-baseline-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a WSP Push on UDP 2948 reaches the MMS dissector, every packet of the repeated file', { skip }, () => {
  const file = join(dir, 'push.pcap');
  assert.equal(writeMmsPcap(file, [SEND_CONF], 3), 3);
  // libpcap global header (24 octets) + 3 × (16-octet record header + 14 Ethernet + 20 IPv4 + 8 UDP + 4 WSP + 11 MMS).
  assert.equal(readFileSync(file).length, 24 + 3 * (16 + 14 + 20 + 8 + 4 + SEND_CONF.length));
  const r = spawnSync(TSHARK, ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t',
    '-e', 'wsp.pdu_type', '-e', 'mmse.message_type', '-e', 'mmse.transaction_id', '-e', 'mmse.mms_version', '-e', 'mmse.response_status', '-e', '_ws.malformed'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows, Array.from({ length: 3 }, () => ['0x06', '0x81', 'abc', '1.0', '0x80', '']));
});

test('the cross-check agrees on the right counts and reports wrong ones', { skip }, () => {
  const pdus = [{ name: 'send-conf', bytes: SEND_CONF }];
  const modes = [{ ...(MODES[0] as (typeof MODES)[number]), scale: 1 }];
  // Four headers (message type, transaction id, version, response status), no body.
  const right = measureTshark(pdus, [{ name: 'send-conf', headers: 4, parts: 0 }], 1, 1, modes);
  assert.deepEqual(right.mismatches, []);
  assert.deepEqual(right.leftOut, []);
  assert.equal(right.results.length, 1);
  assert.equal(right.results[0]?.packets, 1);
  assert.match(right.version, /^TShark/);
  const wrong = measureTshark(pdus, [{ name: 'send-conf', headers: 5, parts: 1 }], 1, 1, modes);
  assert.deepEqual(wrong.mismatches, ['send-conf: tshark 4 headers, 0 parts; ours 5 headers, 1 parts']);
});
