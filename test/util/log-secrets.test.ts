/**
 * No secret in any log line at any level: a gateway runs at debug (wire trace included) with
 * every secret of the configuration set and real traffic, and its whole stderr is searched
 * for each secret. Also: one `ns` key per line, and journald priorities.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

const SECRETS = {
  pin: '7391',
  apnPassword: 'apn-Pw-3f8d1c',
  smtpPassword: 'smtp-Pw-9a7b2e',
  imapPassword: 'imap-Pw-55c0aa',
  listenerPassword: 'listener-Pw-7e21f0',
  webPassword: 'web-Pw-0b9f4d2a',
  webhookSecret: 'whook-Secret-6c3e9b11',
};

test('a gateway at debug with traffic logs none of the configured secrets', { timeout: 120_000 }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/util/log-secrets-gateway.ts'], {
    cwd: root,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'debug', MMSGW_LOG_FORMAT: 'json', MMSGW_TEST: '', SECRETS: JSON.stringify(SECRETS) },
    encoding: 'utf8',
    timeout: 110_000,
  });
  assert.equal(r.status, 0, `gateway script failed:\n${r.stderr.slice(-4000)}`);
  assert.match(r.stdout, /traffic done/);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length > 50, `a debug run logs plenty (${lines.length} lines)`);
  assert.ok(lines.some((l) => l.includes('"ns":"wire"')), 'the wire trace ran');
  assert.ok(lines.some((l) => l.includes('CPIN')), 'the PIN was entered (and traced)');
  for (const [name, value] of Object.entries(SECRETS)) {
    const hits = lines.filter((l) => (name === 'pin' ? new RegExp(`(?<![0-9])${value}(?![0-9])`).test(l) : l.includes(value)));
    assert.deepEqual(hits.slice(0, 3), [], `${name} appears in the log`);
  }
  for (const l of lines) {
    const keys = [...l.matchAll(/"ns":/g)].length;
    assert.ok(keys <= 1, `one ns key per line: ${l.slice(0, 200)}`);
    JSON.parse(l);
  }
});

const JOURNAL_SCRIPT = `
import { fstatSync } from 'node:fs';
import { logger, rootLogger } from './src/util/log.ts';
rootLogger({ level: 'debug' });
const l = logger('t');
l.debug('d'); l.info('i'); l.warn('w'); l.error('e'); l.fatal('f');
`;

test('under systemd (JOURNAL_STREAM names stderr) every line carries its syslog priority', async () => {
  const { openSync, fstatSync, readFileSync, mkdtempSync, closeSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'mmsgw-journal-')), 'stderr');
  const fd = openSync(file, 'w');
  const st = fstatSync(fd, { bigint: true });
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', JOURNAL_SCRIPT], {
    cwd: root,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'debug', MMSGW_LOG_FORMAT: '', MMSGW_TEST: '', JOURNAL_STREAM: `${st.dev}:${st.ino}` },
    stdio: ['ignore', 'pipe', fd],
  });
  closeSync(fd);
  assert.equal(r.status, 0);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  // sd-daemon(3) prefixes: 7 debug, 6 info, 4 warning, 3 err, 2 crit.
  assert.deepEqual(lines.map((l) => /^<(\d)>\{/.exec(l)?.[1]), ['7', '6', '4', '3', '2']);
  assert.deepEqual(lines.map((l) => (JSON.parse(l.slice(3)) as { msg: string }).msg), ['d', 'i', 'w', 'e', 'f']);
  // Without the match (JOURNAL_STREAM inherited but stderr elsewhere): plain JSON lines.
  const r2 = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', JOURNAL_SCRIPT], {
    cwd: root,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'debug', MMSGW_LOG_FORMAT: '', MMSGW_TEST: '', JOURNAL_STREAM: '1:2' },
    encoding: 'utf8',
  });
  assert.ok(r2.stderr.trim().split('\n').every((l) => l.startsWith('{')), r2.stderr);
});

test('on a terminal: one readable line per entry with time, level, area, message and fields', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
import { logger, rootLogger, registerSecrets } from './src/util/log.ts';
rootLogger({ level: 'info' });
registerSecrets(['hunter2-pw']);
logger('modem').info({ operator: 'Telekom', signal: -71 }, 'registered hunter2-pw');
logger('relay').warn({ mailbox: 'office@example.com' }, 'SMTP refused');`], {
    cwd: root,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'info', MMSGW_LOG_FORMAT: 'pretty', MMSGW_TEST: '', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0] ?? '', /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[modem\] registered \[redacted\] \{"operator":"Telekom","signal":-71\}$/);
  assert.match(lines[1] ?? '', /WARN: \[relay\] SMTP refused \{"mailbox":"office@example.com"\}$/);
});
