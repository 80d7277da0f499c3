import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalidError, demoConfigInput, isLoopback, loadConfig, loadConfigDetailed, parseConfig } from '../../src/config/index.js';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../src/config/index.js';
import { knownKeys } from '../../src/config/issues.js';
import { ConfigError } from '../../src/util/errors.js';

const EXAMPLE = new URL('../../config/mmsgw.example.yaml', import.meta.url).pathname;

/** Writes `yaml` to a temp file, loads it with `env`, and cleans up. */
function load(yaml: string, env: Record<string, string> = {}): ReturnType<typeof loadConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-config-'));
  try {
    const file = join(dir, 'mmsgw.yaml');
    writeFileSync(file, yaml);
    return loadConfig(file, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that loading `yaml` fails with a ConfigError whose key is `key` and message matches `re`. */
function refuses(yaml: string, key: string | RegExp, re: RegExp, env: Record<string, string> = {}): ConfigError {
  try {
    load(yaml, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    if (typeof key === 'string') assert.equal(e.key, key);
    else assert.match(e.key, key);
    assert.match(e.message, re);
    return e;
  }
  assert.fail(`expected the configuration to be refused:\n${yaml}`);
}

test('the example file loads, with its values', () => {
  const c = loadConfig(EXAMPLE, {});
  assert.equal(c.box.ownNumber, '+4915112345678');
  assert.equal(c.modem.baudRate, 115200);
  assert.equal(c.mmsc.proxy, '10.10.10.10:8080');
  assert.equal(c.mail.out.routes[0]?.mailboxes[0], 'berlin-office@example.com');
  assert.equal(c.web.host, '127.0.0.1');
  assert.ok(Object.isFrozen(c.mail.out));
});

test('an empty file gives the documented defaults', () => {
  const c = load('');
  assert.equal(c.stateDir, '/var/lib/mmsgw');
  assert.equal(c.modem.port, '/dev/ttyUSB2');
  assert.equal(c.modem.profile, 'auto');
  assert.equal(c.modem.recovery.maxTimeouts, 3);
  assert.equal(c.sms.concatTimeoutMinutes, 60);
  assert.equal(c.mmsc.retrieval, 'immediate');
  assert.equal(c.mmsc.backoff.factor, 2);
  assert.equal(c.mail.out.smtp.port, 587);
  assert.equal(c.compose.jpegQuality, 80);
  assert.equal(c.web.port, 8080);
  assert.deepEqual(c.storage, { retentionDays: 0, checkpointMinutes: 5, integrityCheck: 'quick', durability: 'commit', minFreeMegabytes: 16 });
  assert.deepEqual(c.outbound.uncertain, { sms: 'resend', mms: 'hold' });
});

test('the demo defaults validate and bind to loopback', () => {
  const c = loadConfig(undefined, {});
  assert.ok(isLoopback(c.web.host));
  assert.ok(isLoopback(c.mail.out.smtp.host));
  assert.ok(isLoopback(c.mail.in.smtpListener.host));
  assert.match(c.stateDir, /\.mmsgw-demo$/);
  assert.doesNotThrow(() => parseConfig(demoConfigInput('/tmp')));
});

test('a wrong type names the key, the range and what was found', () => {
  refuses('modem:\n  baudRate: fast\n', 'modem.baudRate', /^modem\.baudRate: expected a number between 300 and 4000000, got 'fast'/);
  refuses('modem:\n  baudRate: 9600000\n', 'modem.baudRate', /between 300 and 4000000, got 9600000/);
  refuses('modem:\n  rtscts: yes please\n', 'modem.rtscts', /expected true or false, got 'yes please'/);
  refuses('modem: [1, 2]\n', 'modem', /expected a section/);
  refuses('modem:\n  port: ttyUSB2\n', 'modem.port', /expected a device path like \/dev\/ttyUSB2 or tcp:\/\/host:port, got 'ttyUSB2'/);
  assert.equal(load('modem:\n  port: tcp://192.168.1.5:2000\n').modem.port, 'tcp://192.168.1.5:2000');
});

test('an enum names its choices', () => {
  refuses('modem:\n  profile: nokia\n', 'modem.profile', /expected one of auto, generic, huawei, quectel, simcom, sierra, zte, got 'nokia'/);
});

test('an unknown key is an error with a did-you-mean hint', () => {
  refuses('modem:\n  bausRate: 9600\n', 'modem.bausRate', /unknown key \(did you mean 'baudRate'\?\)/);
  refuses('modme:\n  port: /dev/ttyUSB0\n', 'modme', /did you mean 'modem'/);
  refuses('mail:\n  out:\n    smtp:\n      hots: x\n', 'mail.out.smtp.hots', /did you mean 'host'/);
  refuses('web:\n  zzzzzz: 1\n', 'web.zzzzzz', /unknown key \(known keys: enabled, host, port, username, password, passwordHash, tls, sessionHours\)/);
});

test('keys inside lists are named with their index', () => {
  refuses('mail:\n  out:\n    routes:\n      - to: "+4930123456"\n        mailboxes: [not-an-address]\n', 'mail.out.routes[0].mailboxes[0]', /expected an email address, got 'not-an-address'/);
  refuses('mail:\n  out:\n    routes:\n      - to: "+4930123456"\n        mailboxes: []\n', 'mail.out.routes[0].mailboxes', /at least one mailbox/);
  refuses('box:\n  ownNumber: "0151 123"\n', 'box.ownNumber', /E\.164/);
  refuses('box:\n  ownNumber: +4915112345678\n', 'box.ownNumber', /YAML read it as a number: put it in quotes/);
  // A PIN is a secret: the hint stays, the value is never echoed (issue: config errors must not leak secrets).
  refuses('modem:\n  pin: 0123\n', 'modem.pin', /got <redacted> \(YAML read it as a number/);
});

test('every problem is reported, not only the first', () => {
  const e = refuses('modem:\n  baudRate: fast\nweb:\n  port: -1\n', 'modem.baudRate', /web\.port: expected a number between 0 and 65535, got -1/);
  assert.ok(e instanceof ConfigInvalidError);
  assert.deepEqual(e.problems.map((p) => p.key), ['modem.baudRate', 'web.port']);
});

test('exposing the web interface without a credential is refused', () => {
  refuses('web:\n  host: 0.0.0.0\n', 'web.username', /not loopback/);
  refuses('web:\n  host: 192.168.1.20\n  username: admin\n', 'web.password', /MMSGW_WEB_PASSWORD/);
  refuses('web:\n  host: "::"\n  username: admin\n  password: short\n', 'web.password', /at least 8 characters/);
  const ok = load('web:\n  host: 0.0.0.0\n  username: admin\n', { MMSGW_WEB_PASSWORD: 'correct horse battery' });
  assert.equal(ok.web.password, 'correct horse battery');
  assert.equal(load('web:\n  host: ::1\n').web.password, null);
  assert.equal(load('web:\n  host: 0.0.0.0\n  enabled: false\n').web.enabled, false);
});

test('environment overrides win over the file', () => {
  const c = load('modem:\n  pin: "1111"\nmail:\n  out:\n    smtp:\n      auth:\n        user: gw@example.com\n        password: from-file\n', {
    MMSGW_SIM_PIN: '2222',
    MMSGW_SMTP_PASSWORD: 'from-env',
    MMSGW_WEB_PORT: '9090',
  });
  assert.equal(c.modem.pin, '2222');
  assert.equal(c.mail.out.smtp.auth?.password, 'from-env');
  assert.equal(c.web.port, 9090);
  const d = loadConfigDetailed(EXAMPLE, { MMSGW_IMAP_PASSWORD: 'secret', MMSGW_STATE_DIR: '/srv/mmsgw' });
  assert.equal(d.config.mail.in.imap.password, 'secret');
  assert.equal(d.config.stateDir, '/srv/mmsgw');
  assert.deepEqual(d.envApplied, ['MMSGW_STATE_DIR', 'MMSGW_IMAP_PASSWORD']);
});

test('OAuth2 credentials can come entirely from the environment', () => {
  const c = load('mail:\n  out:\n    smtp:\n      auth:\n        user: gw@example.com\n', {
    MMSGW_SMTP_OAUTH2_CLIENT_ID: 'id',
    MMSGW_SMTP_OAUTH2_CLIENT_SECRET: 'sec',
    MMSGW_SMTP_OAUTH2_REFRESH_TOKEN: 'rt',
  });
  assert.deepEqual(c.mail.out.smtp.auth?.oauth2, { clientId: 'id', clientSecret: 'sec', refreshToken: 'rt', accessToken: null });
  refuses('mail:\n  out:\n    smtp:\n      auth:\n        user: gw@example.com\n', 'mail.out.smtp.auth.password', /MMSGW_SMTP_PASSWORD/);
  // An env value is validated like a file value.
  refuses('', 'modem.pin', /4 to 8 digits/, { MMSGW_SIM_PIN: '12' });
});

test('${NAME} references take environment values; unset ones name the key', () => {
  const c = load('bearer:\n  apn: ${APN}\n  apnPassword: "pa$$word"\n', { APN: 'internet.mms' });
  assert.equal(c.bearer.apn, 'internet.mms');
  assert.equal(c.bearer.apnPassword, 'pa$word');
  refuses('mail:\n  in:\n    imap:\n      password: ${IMAP_SECRET}\n', 'mail.in.imap.password', /environment variable IMAP_SECRET, which is not set/);
  const typed = load('mail:\n  out:\n    smtp:\n      port: ${SMTP_PORT}\n      secure: ${SMTP_TLS}\n      starttls: false\nmodem:\n  pin: ${PIN}\n', {
    SMTP_PORT: '465',
    SMTP_TLS: 'true',
    PIN: '0123',
  });
  assert.equal(typed.mail.out.smtp.port, 465);
  assert.equal(typed.mail.out.smtp.secure, true);
  assert.equal(typed.modem.pin, '0123', 'a string setting keeps the text as it is');
  refuses('web:\n  port: ${WEB_PORT}\n', 'web.port', /got 'eighty'/, { WEB_PORT: 'eighty' });
});

test('cross-field rules name the key to fix', () => {
  refuses('bearer:\n  kind: ppp\n', 'bearer.ppp.dataPort', /required when bearer.kind is 'ppp'/);
  refuses('mail:\n  in:\n    imap:\n      enabled: true\n      host: imap.example.com\n      user: u\n', 'mail.in.imap.password', /MMSGW_IMAP_PASSWORD/, {});
  refuses('mail:\n  in:\n    smtpListener:\n      enabled: true\n', 'mail.in.authorisation.allowedSenders', /nobody is authorised/);
  refuses(
    'mail:\n  in:\n    smtpListener:\n      enabled: true\n      host: 0.0.0.0\n    authorisation:\n      allowedDomains: [example.com]\n',
    'mail.in.smtpListener.users',
    /reachable from other hosts/,
  );
  refuses('mail:\n  out:\n    smtp:\n      secure: true\n', 'mail.out.smtp.starttls', /must be false when secure is true/);
  refuses('mmsc:\n  proxy: 10.0.0.1\n', 'mmsc.proxy', /host:port/);
  refuses('mmsc:\n  backoff:\n    initialSeconds: 600\n    maxSeconds: 60\n', 'mmsc.backoff.maxSeconds', /at least initialSeconds \(600\)/);
  refuses('sms:\n  maxSmsParts: 3\n', 'compose.maxSmsParts', /must not exceed sms.maxSmsParts \(3\)/);
  refuses('mail:\n  in:\n    imap:\n      mailbox: INBOX\n      processedFolder: INBOX\n', 'mail.in.imap.processedFolder', /must differ from mailbox/);
  refuses(
    'box:\n  ownNumber: "+4915112345678"\nmail:\n  out:\n    routes:\n      - to: "+4915199999999"\n        mailboxes: [a@example.com]\n',
    'mail.out.routes[0].to',
    /not a number of this box/,
  );
});

test('YAML syntax errors and missing files give the location', () => {
  refuses('modem:\n  port: a\n  port: b\n', /mmsgw\.yaml:3:3$/, /YAML syntax error: Map keys must be unique/);
  assert.throws(() => loadConfig('/nonexistent/mmsgw.yaml', {}), (e: unknown) => e instanceof ConfigError && /not found/.test(e.message));
  refuses('- just\n- a list\n', /mmsgw\.yaml$/, /YAML mapping/);
});

test('relative paths are resolved against the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-config-'));
  try {
    const file = join(dir, 'mmsgw.yaml');
    writeFileSync(file, 'stateDir: state\nmail:\n  out:\n    addressBook: contacts.yaml\n');
    const c = loadConfig(file, {});
    assert.equal(c.stateDir, join(dir, 'state'));
    assert.equal(c.mail.out.addressBook, join(dir, 'contacts.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the example file shows every setting of every section it contains', () => {
  const example = parseYaml(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
  const missing: string[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const known = knownKeys(configSchema, path);
    if (known.length === 0) return; // a free-form map (hosts, addressBook)
    for (const k of known) {
      if (!(k in value)) missing.push([...path, k].join('.'));
      else walk((value as Record<string, unknown>)[k], [...path, k]);
    }
  };
  walk(example, []);
  assert.deepEqual(missing, []);
});
