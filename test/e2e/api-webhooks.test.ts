import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { decodeSmsPdu, encodeStatusReport } from '../../src/codec/sms/index.js';
import { freePort } from '../../src/demo/environment.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { openStore } from '../../src/store/index.js';
import { TokensRepo } from '../../src/web/api/tokens.js';
import { sha256, waitUntil } from '../helpers/e2e.js';

/**
 * REST send → MMSC / modem simulators → delivery reports → signed webhooks, with the gateway
 * as its own process killed by SIGKILL twice: once while the MMSC holds its m-send-req
 * unanswered, once with every webhook delivered and the delivery reports still to come
 * (they wait in the simulated modem's storage). Every event reaches the receiver exactly
 * once; each signature is checked by Python's hmac module, not by the gateway's code.
 */
const root = new URL('../..', import.meta.url).pathname;
const OWN = '+15550100001';
const SECRET = 'e2e-webhook-secret-0123456789';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface Hook {
  readonly path: string;
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  readonly event: { id: string; type: string; data: { message: { id: number; state: string } } };
}

/** Python's hmac over "<id>.<timestamp>.<body>", compared with the header (Standard Webhooks). */
function pythonVerifies(hooks: readonly Hook[], secret: string): boolean[] {
  const script = String.raw`
import sys, json, hmac, hashlib, base64
data = json.load(sys.stdin)
key = data["secret"].encode()
out = []
for h in data["hooks"]:
    mac = hmac.new(key, (h["id"] + "." + h["timestamp"] + "." + h["body"]).encode(), hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    out.append(hmac.compare_digest(expected, h["signature"]))
print(json.dumps(out))
`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify({ secret, hooks }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as boolean[];
}

function startGateway(configPath: string, log: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/web/api/gateway-process.ts'), configPath], {
    cwd: root,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'warn', MMSGW_TEST: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${log.join('')}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited ${code}: ${log.join('')}`));
    });
  });
}

async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test('REST send → simulators → delivery reports → one signed webhook per event across two SIGKILLs', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-api-e2e-'));
  const hooks: Hook[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      hooks.push({ path: req.url ?? '', id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']), body, event: JSON.parse(body) as Hook['event'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const rxPort = (receiver.address() as { port: number }).port;
  const modemSim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem.pty') });
  const mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999' });
  const port = await freePort();
  const stateDir = join(dir, 'state');
  const configPath = join(dir, 'mmsgw.yaml');
  writeFileSync(
    configPath,
    stringify({
      stateDir,
      box: { ownNumber: OWN },
      modem: { port: modemSim.path, profile: 'generic', smsStorage: 'ME' },
      bearer: { kind: 'system' },
      sms: { statusReports: true },
      mmsc: { url: mmscSim.url, proxy: `127.0.0.1:${mmscSim.port}`, carrierProfile: 'generic', backoff: { initialSeconds: 1, maxSeconds: 2 } },
      mail: { out: { smtp: { host: '127.0.0.1', port: 9, secure: false, starttls: false }, fromDomain: 'sms.test', defaultMailbox: 'inbox@company.test' } },
      web: { enabled: false, host: '127.0.0.1', port },
      // The kill while the MMSC holds the m-send-req leaves that send uncertain; this test is
      // about webhooks, so the MMS is sent again rather than held (the policy has its own tests).
      outbound: { uncertain: { sms: 'resend', mms: 'resend' } },
      webhooks: { targets: [{ name: 'crm', url: `http://127.0.0.1:${rxPort}/hook`, secret: SECRET, events: ['message.sent', 'message.delivered', 'message.failed'] }, { name: 'ops', url: `http://127.0.0.1:${rxPort}/ops`, secret: SECRET, events: ['modem.state'] }] },
    }),
  );
  const setup = openStore({ stateDir });
  const token = new TokensRepo(setup.db).create('e2e', ['send', 'read']).token;
  setup.close();
  const api = `http://127.0.0.1:${port}/api/v1`;
  const auth = { authorization: `Bearer ${token}` };
  const log: string[] = [];
  const webhookJobsOpen = (): number => {
    const db = new Database(join(stateDir, 'mmsgw.db'), { readonly: true });
    try {
      return db.prepare("SELECT count(*) FROM jobs WHERE kind = 'webhook' AND state IN ('queued','running')").pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const ofType = (type: string, id: number): Hook[] => hooks.filter((h) => h.event.type === type && h.event.data.message.id === id);

  // The MMSC will accept the first m-send-req and never answer it.
  mmscSim.fault({ kind: 'hang', on: 'post', times: 1 });
  let gateway = await startGateway(configPath, log);
  try {
    // Mounted as the web listener mounts it: no token, no access, unknown addresses included.
    for (const path of ['/messages', '/status', '/openapi.json', '/no-such-thing']) assert.equal((await fetch(`${api}${path}`)).status, 401, path);
    const smsTo = '+15550310021';
    const mmsTo = '+15550310022';
    const smsReq = { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'ticket-17' }, body: JSON.stringify({ to: [smsTo], text: 'Your ticket #17 is ready' }) };
    const smsRes = await fetch(`${api}/messages`, smsReq);
    assert.equal(smsRes.status, 202);
    const sms = (await smsRes.json()) as { id: number; kind: string };
    assert.equal(sms.kind, 'sms');
    const form = new FormData();
    form.append('to', mmsTo);
    form.append('text', 'Photo of your repair');
    form.append('media', new Blob([GIF], { type: 'image/gif' }), 'repair.gif');
    const mmsRes = await fetch(`${api}/messages`, { method: 'POST', headers: auth, body: form });
    assert.equal(mmsRes.status, 202);
    const mms = (await mmsRes.json()) as { id: number; kind: string };
    assert.equal(mms.kind, 'mms');

    // The SMS goes out and its message.sent is delivered; the MMS hangs at the MMSC.
    await waitUntil(() => ofType('message.sent', sms.id).length === 1 && webhookJobsOpen() === 0, 30_000, 'message.sent for the SMS', () => log);
    await waitUntil(() => mmscSim.requests().some((r) => r.method === 'POST'), 30_000, 'the m-send-req POST');
    await sigkill(gateway);

    gateway = await startGateway(configPath, log);
    // The client's retry after the crash gets the first answer, not a second message.
    const retry = await fetch(`${api}/messages`, smsReq);
    assert.equal(retry.status, 202);
    assert.deepEqual(await retry.json(), { ...sms });
    await waitUntil(() => mmscSim.sent().length >= 1, 60_000, 'the MMS at the MMSC', () => log);
    const sent = mmscSim.sent().at(-1);
    assert.ok(sent);
    assert.deepEqual(sent.pdu.to.map((a) => a.value), [mmsTo]);
    const image = sent.pdu.parts.find((p) => p.contentType === 'image/gif');
    assert.equal(image && sha256(image.body), sha256(GIF), 'the uploaded image reached the MMSC');
    await waitUntil(() => ofType('message.sent', mms.id).length >= 1 && webhookJobsOpen() === 0, 30_000, 'message.sent for the MMS');
    await sigkill(gateway);

    // Reports arrive while the gateway is down: they wait in the modem's storage.
    const smsSubmit = (await modemSim.sent()).map((s) => ({ s, d: decodeSmsPdu(s.pdu) })).find((x) => x.d.ok && x.d.value.type === 'submit' && x.d.value.destination.number === smsTo);
    assert.ok(smsSubmit);
    const now = new Date();
    await modemSim.deliverStatusReport(encodeStatusReport({ messageReference: smsSubmit.s.mr, recipient: smsTo, scts: now, dischargeTime: now, status: 0 }).hex);
    await mmscSim.deliveryReport(sent.messageId, mmsTo, 'retrieved');

    gateway = await startGateway(configPath, log);
    await waitUntil(() => ofType('message.delivered', sms.id).length >= 1 && ofType('message.delivered', mms.id).length >= 1 && webhookJobsOpen() === 0, 60_000, 'both message.delivered', () => [hooks.map((h) => `${h.id} ${h.event.type} ${h.event.data.message.id}`), log.join('')]);

    // The modem's start-ups were reported to the target that asked for modem.state.
    const modemEvents = hooks.filter((h) => h.event.type === 'modem.state');
    assert.ok(modemEvents.some((h) => (h.event.data as unknown as { modem: { state: string } }).modem.state === 'ready'), 'modem.state ready');
    // Exactly one delivery per event; one event per message and kind.
    const ids = hooks.map((h) => h.id);
    assert.equal(new Set(ids).size, ids.length, `a webhook was delivered twice: ${ids.join(' ')}`);
    for (const h of hooks) assert.equal(h.event.id, h.id);
    for (const h of hooks) assert.equal(h.path, h.event.type === 'modem.state' ? '/ops' : '/hook', 'each target gets only its events');
    for (const id of [sms.id, mms.id]) {
      assert.equal(ofType('message.sent', id).length, 1, `message.sent for ${id}`);
      assert.equal(ofType('message.delivered', id).length, 1, `message.delivered for ${id}`);
      assert.equal(ofType('message.failed', id).length, 0);
    }
    assert.equal(hooks.length - modemEvents.length, 4);
    assert.deepEqual(pythonVerifies(hooks, SECRET), hooks.map(() => true), 'every signature verifies');
    assert.deepEqual(pythonVerifies(hooks.slice(0, 1), 'some-other-secret-xxxxxxxx'), [false]);
    const got = await fetch(`${api}/messages/${mms.id}`, { headers: auth });
    const detail = (await got.json()) as { state: string; reports: { status: string }[] };
    assert.equal(detail.state, 'delivered');
    assert.deepEqual(detail.reports.map((r) => r.status), ['retrieved']);
  } finally {
    await sigkill(gateway);
    await mmscSim.stop();
    await modemSim.stop();
    await new Promise((r) => receiver.close(r));
    if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  }
});
