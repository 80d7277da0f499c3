import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHexFixture } from '../../src/sim/mmsc/index.js';
import { TSHARK_ABSENT, dissect, expertEntries, fieldValues, httpPostPacket, pcap, tsharkVersion, udpPacket, type TsharkTree } from '../helpers/pcap.js';

/**
 * The hand-assembled inbound fixtures (test/fixtures/inbound) read by Wireshark's WSP and MMSE
 * dissectors: a second pair of eyes on make.py, so that a slip in the hand assembly cannot pass
 * for a gateway bug (or hide one). The push goes in a WDP datagram to port 2948, the
 * m-retrieve-conf in an HTTP message.
 */

const skip = tsharkVersion() === undefined ? TSHARK_ABSENT : false;
const WARN = 0x00600000; // PI_WARN (epan/proto.h)
const DIR = new URL('../fixtures/inbound/', import.meta.url);
const CASES = ['v10-latin1-ascii', 'v11-cp1252-qp', 'v12-sjis-related', 'v13-big5-base64'];
const LOCATION = 'http://mmsc.example/r/fixture';

function clean(p: TsharkTree, what: string): void {
  const severities = fieldValues(p, '_ws.expert.severity').map(Number);
  assert.deepEqual(fieldValues(p, '_ws.expert.message').filter((_, i) => (severities[i] ?? 0) >= WARN), [], `${what}: no expert warning`);
  assert.deepEqual(expertEntries(p).filter((e) => e.startsWith('_ws.malformed')), [], `${what}: not malformed`);
}

test('tshark dissects every inbound fixture cleanly, with the version, subject, location and parts written', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-inbound-tshark-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'inbound.pcap');
  const packets: number[][] = [];
  CASES.forEach((name, i) => {
    packets.push(udpPacket(parseHexFixture(readFileSync(new URL(`${name}.push.hex`, DIR), 'utf8'))(LOCATION), 2948, 2 * i + 1));
    packets.push(httpPostPacket(parseHexFixture(readFileSync(new URL(`${name}.retrieve-conf.hex`, DIR), 'utf8'))(), undefined, 2 * i + 2));
  });
  writeFileSync(file, pcap(packets));
  const layers = dissect(file);
  assert.equal(layers.length, CASES.length * 2);
  CASES.forEach((name, i) => {
    const minor = i; // v10 … v13
    const push = layers[2 * i] as TsharkTree;
    const conf = layers[2 * i + 1] as TsharkTree;
    clean(push, `${name} push`);
    clean(conf, `${name} retrieve-conf`);
    assert.deepEqual(fieldValues(push, 'mmse.message_type'), ['0x82'], `${name}: m-notification-ind`);
    assert.deepEqual(fieldValues(push, 'mmse.mms_version'), [`1.${minor}`]);
    assert.deepEqual(fieldValues(push, 'mmse.transaction_id'), [`IN-${name}`]);
    assert.deepEqual(fieldValues(push, 'mmse.content_location'), [LOCATION]);
    assert.deepEqual(fieldValues(push, 'mmse.subject'), [`Fixture 1.${minor}`]);
    assert.deepEqual(fieldValues(push, 'mmse.from'), ['+15551230000/TYPE=PLMN']);
    assert.deepEqual(fieldValues(conf, 'mmse.message_type'), ['0x84'], `${name}: m-retrieve-conf`);
    assert.deepEqual(fieldValues(conf, 'mmse.mms_version'), [`1.${minor}`]);
    assert.deepEqual(fieldValues(conf, 'mmse.subject'), [`Fixture 1.${minor}`]);
    const size = Number(fieldValues(push, 'mmse.message_size')[0]);
    assert.equal(size, parseHexFixture(readFileSync(new URL(`${name}.retrieve-conf.hex`, DIR), 'utf8'))().byteLength, `${name}: Message-Size is the m-retrieve-conf's size`);
  });
  const types = (i: number): string[] => fieldValues(layers[2 * i + 1] as TsharkTree, 'wsp.header.content_type');
  assert.deepEqual(types(0), ['application/vnd.wap.multipart.mixed', 'text/plain', 'text/plain']);
  assert.deepEqual(types(1), ['application/vnd.wap.multipart.mixed', 'text/plain']);
  assert.deepEqual(types(2), ['application/vnd.wap.multipart.related', 'application/smil', 'text/plain', 'image/gif']);
  assert.deepEqual(types(3), ['application/vnd.wap.multipart.mixed', 'text/plain', 'image/gif']);
  assert.deepEqual(fieldValues(layers[1] as TsharkTree, 'wsp.header.content_location'), ['latin1.txt', 'ascii.txt']);
  assert.equal(fieldValues(layers[5] as TsharkTree, 'wsp.parameter.start')[0], '<smil>');
});
