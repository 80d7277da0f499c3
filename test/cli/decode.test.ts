/**
 * `mmsgw decode` end to end: the real CLI entry point (bin/mmsgw.mjs, MMSGW_DEV=1) spawned on
 * files holding an MMS PDU, a WAP Push carrying an MMS notification, SMS PDUs in hex, and a
 * broken PDU.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNotificationInd, buildRetrieveConf, encodeMms } from '../../src/codec/mms/index.js';
import { encodePush } from '../../src/codec/wsp/index.js';
import { encodeWapPushDeliver } from '../../src/codec/sms/index.js';

const root = new URL('../..', import.meta.url).pathname;
let dir = '';

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'decode', ...args], {
      cwd: root, env: { ...process.env, MMSGW_DEV: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const retrieveConf = encodeMms(buildRetrieveConf({
  transactionId: 'cli-1', date: new Date(Date.UTC(2026, 1, 3, 4, 5, 6)), from: '+15551230000', to: ['+15551239999'], subject: 'Grüße',
  parts: [{ contentType: 'text/plain', body: 'hello', contentId: '<t>', name: 't.txt' }, { contentType: 'image/png', body: new Uint8Array(10) }],
}));
const notification = encodeMms(buildNotificationInd({
  transactionId: 'T-0123456789', contentLocation: `http://mmsc.example/${'x'.repeat(150)}`, messageSize: 4321, expiry: 86400, from: '+15551230000',
}));
const push = encodePush({
  transactionId: 0x2a, pduType: 0x06, headers: [], applicationId: 4,
  contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} }, body: notification,
});

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmsgw-decode-'));
  writeFileSync(join(dir, 'rc.mms'), retrieveConf);
  writeFileSync(join(dir, 'push.bin'), push);
  writeFileSync(join(dir, 'sms.txt'), `${encodeWapPushDeliver('+15551230000', push, { reference: 7 }).map((p) => p.hex).join('\n')}\n`);
  writeFileSync(join(dir, 'bad.mms'), retrieveConf.subarray(0, 40));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('decode --json: an MMS PDU with every header and the parts', async () => {
  const r = await run(join(dir, 'rc.mms'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(v.format, 'mms');
  assert.equal(v.messageType, 'm-retrieve-conf');
  assert.equal(v.transactionId, 'cli-1');
  assert.equal(v.from, '+15551230000/TYPE=PLMN');
  assert.deepEqual(v.to, ['+15551239999/TYPE=PLMN']);
  assert.equal(v.subject, 'Grüße');
  assert.equal(v.date, '2026-02-03T04:05:06.000Z');
  assert.equal(v.mmsVersion, '1.2');
  const parts = v.parts as Array<Record<string, unknown>>;
  assert.deepEqual(parts.map((p) => [p.contentType, p.name, p.contentId, p.size]), [['text/plain', 't.txt', '<t>', 5], ['image/png', undefined, undefined, 10]]);
});

test('decode: a WAP Push carrying an MMS notification shows both layers', async () => {
  const r = await run(join(dir, 'push.bin'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /WAP Push/);
  assert.match(r.stdout, /applicationId: x-wap-application:mms\.ua/);
  assert.match(r.stdout, /MMS m-notification-ind/);
  assert.match(r.stdout, /transactionId: T-0123456789/);
  assert.match(r.stdout, /messageSize: 4321/);
});

test('decode --json: SMS PDUs in hex are reassembled and the push inside decoded', async () => {
  const r = await run(join(dir, 'sms.txt'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { format: string; messages: Array<Record<string, unknown>> };
  assert.equal(v.format, 'sms');
  const m = v.messages[0] as { segments: number; kind: string; mms: Record<string, unknown>; push: Record<string, unknown> };
  assert.ok(m.segments >= 2, 'the push needed more than one SMS');
  assert.equal(m.kind, 'wap-push');
  assert.equal(m.push.transactionId, 0x2a);
  assert.equal(m.mms.messageType, 'm-notification-ind');
  assert.equal(m.mms.contentLocation, `http://mmsc.example/${'x'.repeat(150)}`);
});

test('decode: a broken PDU exits 1 naming the field and the offset', async () => {
  const r = await run(join(dir, 'bad.mms'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /CODEC_TRUNCATED: \S+ at offset \d+/);
  const j = await run(join(dir, 'bad.mms'), '--json');
  assert.equal(j.code, 1);
  const e = JSON.parse(j.stderr) as { field: string; offset: number; error: string };
  assert.equal(e.error, 'CODEC_TRUNCATED');
  assert.equal(typeof e.field, 'string');
  assert.ok(e.offset >= 0 && e.offset <= 40);
});

const quirks = join(root, 'test/fixtures/field-quirks');

test('decode: a WAP Push written as hex (not starting 8C) decodes, with both layers', async () => {
  const r = await run(join(quirks, 'push-notification.hex'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { format: string; push: Record<string, unknown>; mms: Record<string, unknown>; warnings: string[] };
  assert.equal(v.format, 'wap-push');
  assert.equal(v.push.transactionId, 0x2a);
  assert.equal(v.mms.transactionId, 'FQ-0001');
  assert.deepEqual(v.warnings, []);
});

test('decode: hex with a non-hex character is refused naming the line and the column', async () => {
  const r = await run(join(quirks, 'hex-with-typo.hex'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /line 2, column 21: "O" is not a hex digit/);
  const j = await run(join(quirks, 'hex-with-typo.hex'), '--json');
  assert.equal(j.code, 1);
  assert.equal(j.stdout, '');
  const e = JSON.parse(j.stderr) as { error: string; message: string };
  assert.equal(e.error, 'DECODE_HEX_SYNTAX');
  assert.match(e.message, /line 2, column 21/);
});

test('decode: every field quirk decodes and prints its warnings (text and --json)', async () => {
  const cases: Array<[string, RegExp]> = [
    ['sms-deliver-octets-beyond-udl.hex', /3 octet\(s\) beyond TP-UDL ignored/],
    ['sms-deliver-ff-padding.hex', /0xFF padding after TP-UDL ignored/],
    ['push-notification-trailing-0a.bin', /1 octet\(s\) after the last complete header/],
    ['push-notification-trailing-0a.hex', /1 octet\(s\) after the last complete header/],
    ['push-headers-len-short.bin', /HeadersLen at offset 2 says 1 octets, the header block has 3/],
    ['push-headers-len-long.bin', /HeadersLen at offset 2 says 6 octets, the header block has 3/],
    ['retrieve-conf-cte-base64-textual-content-id.mms', /Content-Transfer-Encoding "base64" decoded/],
    ['retrieve-conf-cte-qp-7bit-8bit-binary.mms', /Content-Transfer-Encoding "quoted-printable" decoded/],
  ];
  for (const [file, warning] of cases) {
    const t = await run(join(quirks, file));
    assert.equal(t.code, 0, `${file}: ${t.stderr}`);
    assert.match(t.stdout, /warnings:\n\s+- /, file);
    assert.match(t.stdout, warning, file);
    const j = await run(join(quirks, file), '--json');
    assert.equal(j.code, 0, `${file}: ${j.stderr}`);
    const v = JSON.parse(j.stdout) as { warnings: string[] };
    assert.ok(v.warnings.some((w) => warning.test(w)), `${file}: ${JSON.stringify(v.warnings)}`);
  }
});

test('decode --json: part sizes of transfer-encoded parts are the decoded sizes', async () => {
  const r = await run(join(quirks, 'retrieve-conf-cte-base64-textual-content-id.mms'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { parts: Array<{ size: number; contentId?: string; transferEncoding?: string }> };
  // 'Grüße aus dem Feld — base64 part\r\n' is 38 octets of UTF-8; the GIF is 42 octets.
  assert.deepEqual(v.parts.map((p) => [p.contentId, p.size, p.transferEncoding]), [['<smil>', 89, undefined], ['<txt1>', 38, 'base64'], ['<img1>', 42, 'base64']]);
});

test('decode: SMS PDUs written as a spaced hex dump, after a blank line, name their file line', async () => {
  const spaced = join(dir, 'spaced.hex');
  writeFileSync(spaced, '\n07 91 13 26 04 00 00 F0 04 0B 91 13 46 61 00 89 F6 00 00 42 10 72 41 35 21 40 0A E8 32 9B FD 46 97 D9 EC 37\n07 91 13\n');
  const r = await run(spaced, '--json');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /"layer":"SMS line 3"/);
  writeFileSync(spaced, '\n07 91 13 26 04 00 00 F0 04 0B 91 13 46 61 00 89 F6 00 00 42 10 72 41 35 21 40 0A E8 32 9B FD 46 97 D9 EC 37\n');
  const ok = await run(spaced, '--json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { messages: Array<{ text: string }> }).messages[0]?.text, 'hellohello');
});
