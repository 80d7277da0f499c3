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
