/**
 * What the gateway process loads at start (issue 17, footprint): with the web interface, MQTT,
 * mail intake and MM7 off, none of their libraries are loaded; nor sharp (media adaptation), nor
 * the carrier database's XML parser when the MMS settings are configured or no provider in it serves
 * the SIM, nor nodemailer and the
 * mail renderer (loaded with the first mail), nor pino-pretty (a terminal only); nor the
 * configuration layer (yaml, zod, the schemas: validated in a process of its own that has ended), nor
 * libphonenumber-js (loaded with the first number read or shown), nor node-pdu (with the first SMS decoded). The gateway runs as
 * `mmsgw run` in its own process against the modem simulator in another; a loader hook
 * (test/helpers/module-trace.mjs) lists every module the gateway's main thread loaded, and those
 * of a process it starts in a file of their own (test/config/isolated.test.ts checks that the
 * configuration process answers what loading in this thread does). Then an SMS arrives and is relayed to a real SMTP
 * server: what was left out at start loads when it is needed. CommonJS packages are required, not
 * imported (the ES loader would lex their sources for named exports).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { connectModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { MailSink } from '../../src/sim/mail/sink.js';

const root = new URL('../..', import.meta.url).pathname;
/** How test/helpers/module-trace-hooks.mjs marks a CommonJS module reached by an `import`. */
const COMMONJS_THROUGH_IMPORT = ' (CommonJS through import)';
const bin = join(root, 'bin/mmsgw.mjs');

/** Packages and source areas a box with only the modem and mail out configured must not load at start. */
const NOT_AT_START = [
  '/node_modules/fastify/', '/node_modules/mqtt/', '/node_modules/prom-client/', '/node_modules/nodemailer/',
  '/node_modules/html-to-text/', '/node_modules/pino-pretty/', '/node_modules/imapflow/', '/node_modules/smtp-server/',
  '/node_modules/mailparser/', '/node_modules/fast-xml-parser/', '/node_modules/sharp/', '/src/web/', '/src/sim/', '/src/mm7/', '/src/mail/in/',
  '/node_modules/zod/', '/node_modules/yaml/', '/node_modules/libphonenumber-js/', '/src/config/schema', '/src/config/load.',
  '/node_modules/node-pdu/',
];

/** An SMS-DELIVER from +31641600986 (3GPP 23.040 §9.2.2.1), "How are you?" in the GSM 7-bit alphabet. */
const SMS_PDU = '07911326040000F0040B911346610089F60000208062917314800CC8F71D14969741F977FD07';

function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms: ${buf.slice(-2000)}`)), timeoutMs);
    child[stream]?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = pattern.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${String(code)}) before ${String(pattern)}: ${buf.slice(-2000)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

test('the gateway loads no web, MQTT, mail-intake, MM7, nodemailer, renderer, pino-pretty, configuration-schema or phone-number module at start when they are not in use, and loads them when they are', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-lazy-'));
  const link = join(dir, 'modem.pty');
  const trace = join(dir, 'modules.txt');
  // The sources (MMSGW_DEV=1), so the test sees this checkout rather than a possibly stale dist/.
  const env = { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'info', MMSGW_LOG_FORMAT: 'json' };
  const sim = spawn(process.execPath, [bin, 'sim', '--link', link, '--baud', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let gateway: ChildProcess | undefined;
  let modem: ModemSimClient | undefined;
  const sink = await new MailSink().start();
  try {
    const control = (await waitFor(sim, 'stdout', /control: (\S+)/, 120_000))[1] ?? '';
    const config = join(dir, 'mmsgw.yaml');
    writeFileSync(config, stringify({
      stateDir: join(dir, 'state'),
      box: { ownNumber: '+15550100001' },
      modem: { port: link, profile: 'generic', smsStorage: 'ME' },
      // MMS settings configured: the carrier database (fast-xml-parser) is not consulted.
      bearer: { kind: 'system', apn: 'mms.test' },
      mmsc: { url: 'http://127.0.0.1:9/mms' },
      mail: { out: { smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: false }, fromDomain: 'sms.test', defaultMailbox: 'inbox@company.test' } },
      web: { enabled: false },
    }));
    const traced = { ...env, MMSGW_MODULE_TRACE: trace, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(root, 'test/helpers/module-trace.mjs')}`.trim() };
    gateway = spawn(process.execPath, [bin, 'run', '--config', config], { env: traced, stdio: ['ignore', 'pipe', 'pipe'] });
    gateway.stdout?.resume();
    await waitFor(gateway, 'stderr', /gateway running/, 180_000);
    assert.ok(existsSync(trace), 'the module trace was written');
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    assert.ok(loaded.some((u) => u.includes('/src/app/gateway.')), 'the trace saw the gateway load');
    const early = NOT_AT_START.map((p) => [p, loaded.filter((u) => u.includes(p))] as const).filter(([, hits]) => hits.length > 0);
    assert.deepEqual(early.map(([p, hits]) => `${p} (${hits.length}, e.g. ${hits[0]})`), [], 'modules loaded at start that a box with these settings does not use');
    // CommonJS packages (pino, serialport, better-sqlite3) are required, not imported: the ES
    // loader would lex each one's source, and those of the packages serialport re-exports.
    // (esbuild is tsx's, which runs the sources here; an installed gateway runs dist/ without it.)
    const lexed = loaded.filter((u) => u.includes('/node_modules/') && !u.includes('/node_modules/esbuild/') && u.endsWith(COMMONJS_THROUGH_IMPORT));
    assert.deepEqual(lexed, [], 'CommonJS packages that went through the ES loader at start');
    // The configuration was validated, by zod, in a process of its own (which has ended).
    const elsewhere = readdirSync(dir).filter((f) => f.startsWith('modules.txt.pid')).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'));
    assert.ok(elsewhere.some((u) => u.includes('/node_modules/zod/')) && elsewhere.some((u) => u.includes('/src/config/schema.')), 'the configuration schema ran in another process');

    // An SMS arrives and is relayed: the phone-number library and nodemailer load for it.
    modem = await connectModemSim(control);
    await modem.deliverSms(SMS_PDU);
    await sink.waitFor(1, 120_000);
    assert.match(sink.mails[0]?.raw.toString() ?? '', /How are you\?/);
    const later = readFileSync(trace, 'utf8');
    assert.ok(later.includes('/node_modules/libphonenumber-js/'), 'libphonenumber-js loaded for the first number');
    assert.ok(later.includes('/node_modules/nodemailer/'), 'nodemailer loaded for the first mail');
    assert.ok(later.includes('/node_modules/node-pdu/'), 'node-pdu loaded for the first SMS decoded');
  } finally {
    modem?.disconnect();
    if (gateway) await stop(gateway);
    await stop(sim);
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A serviceproviders.xml (mobile-broadband-provider-info format 2.0) with one MMS APN for `mcc`/`mnc`. */
function carrierFile(mcc: string, mnc: string): string {
  return `<?xml version="1.0"?>
<serviceproviders format="2.0">
<country code="xx">
  <provider><name>Test Carrier</name><gsm><network-id mcc="${mcc}" mnc="${mnc}"/>
    <apn value="mms.carrier.test"><usage type="mms"/><mmsc>http://127.0.0.1:9/carrier-mms</mmsc></apn></gsm></provider>
</country>
</serviceproviders>`;
}

test('with the MMS settings left to the carrier database, the gateway scans it without the XML parser when no provider serves the SIM (and, MMS off, loads no bearer or MM1 client), and parses what serves it', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-lazy-carrier-'));
  const env = { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'info', MMSGW_LOG_FORMAT: 'json' };
  // The simulator's SIM is on the test network 001-01 (IMSI 001010123456789).
  const cases = [
    { name: 'other-network', db: carrierFile('001', '02'), parser: false, mmsc: /no MMSC URL/ },
    { name: 'this-network', db: carrierFile('001', '01'), parser: true, mmsc: /http:\/\/127\.0\.0\.1:9\/carrier-mms \(from [^)]*'Test Carrier' for 00101/ },
  ];
  try {
    for (const c of cases) {
      const link = join(dir, `${c.name}.pty`);
      const trace = join(dir, `${c.name}.modules.txt`);
      const db = join(dir, `${c.name}.xml`);
      writeFileSync(db, c.db);
      const sim = spawn(process.execPath, [bin, 'sim', '--link', link, '--baud', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let gateway: ChildProcess | undefined;
      try {
        await waitFor(sim, 'stdout', /control: (\S+)/, 120_000);
        const config = join(dir, `${c.name}.yaml`);
        // The shape bench/idle.ts measures: no APN, no MMSC URL.
        writeFileSync(config, stringify({
          stateDir: join(dir, `${c.name}-state`),
          box: { ownNumber: '+15550100001' },
          modem: { port: link, profile: 'generic', smsStorage: 'ME' },
          bearer: { kind: 'system' },
          mail: { out: { smtp: { host: '127.0.0.1', port: 9, secure: false, starttls: false }, fromDomain: 'sms.test', defaultMailbox: 'inbox@company.test' } },
          web: { enabled: false },
        }));
        const traced = { ...env, MMSGW_CARRIER_DB: db, MMSGW_MODULE_TRACE: trace, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(root, 'test/helpers/module-trace.mjs')}`.trim() };
        gateway = spawn(process.execPath, [bin, 'run', '--config', config], { env: traced, stdio: ['ignore', 'pipe', 'pipe'] });
        gateway.stdout?.resume();
        let log = '';
        gateway.stderr?.on('data', (d: Buffer) => (log += d.toString()));
        await waitFor(gateway, 'stderr', /gateway running/, 180_000);
        assert.match(log, c.mmsc, `${c.name}: the MMS settings the gateway logged`);
        const loaded = readFileSync(trace, 'utf8');
        assert.equal(loaded.includes('/node_modules/fast-xml-parser/'), c.parser, `${c.name}: fast-xml-parser loaded`);
        // The bearers and the MM1 client load only when an MMSC URL is known.
        assert.equal(loaded.includes('/src/bearer/index.'), c.parser, `${c.name}: the bearers loaded`);
        assert.equal(loaded.includes('/src/mmsc/client.'), c.parser, `${c.name}: the MM1 client loaded`);
      } finally {
        if (gateway) await stop(gateway);
        await stop(sim);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
