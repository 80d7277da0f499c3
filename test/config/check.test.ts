import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigInvalidError, loadConfig } from '../../src/config/index.js';
import { checkConfig, command as configCommand } from '../../src/cli/commands/config.js';
import { command as runCommand } from '../../src/cli/commands/run.js';
import { parseEnvFile, envLine } from '../../src/config/env-file.js';

function withFile<T>(yaml: string, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-check-'));
  try {
    const file = join(dir, 'mmsgw.yaml');
    writeFileSync(file, yaml);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await fn(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const MINIMAL = 'mail:\n  out:\n    defaultMailbox: owner@example.com\n';

test('a config error never echoes the value of a secret key', () => {
  const yaml = [
    'modem:',
    '  pin: 1234567890123', // a number: the YAML hint stays, the digits do not
    'mail:',
    '  out:',
    '    smtp:',
    '      auth:',
    '        user: box',
    '        password: [hunter2-secret]',
    '  in:',
    '    smtpListener:',
    '      users: [{ user: a, password: 42 }]',
  ].join('\n');
  withFile(yaml, (file) => {
    let err: unknown;
    try {
      loadConfig(file, {});
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigInvalidError);
    const text = err.message;
    assert.doesNotMatch(text, /hunter2/);
    assert.doesNotMatch(text, /1234567890123/);
    assert.match(text, /modem\.pin: expected a SIM PIN of 4 to 8 digits, got <redacted> \(YAML read it as a number: put it in quotes\)/);
    assert.match(text, /mail\.out\.smtp\.auth\.password: expected a non-empty string, got <redacted>/);
    assert.match(text, /users\[0\]\.password: .*got <redacted>/);
    // Non-secret values are still shown, so the owner sees what was wrong.
  });
  withFile('modem:\n  baudRate: fast\n', (file) => assert.throws(() => loadConfig(file, {}), /got 'fast'/));
});

test('errors point at the line of the key; YAML syntax errors at line and column', () => {
  withFile('logLevel: info\nmodem:\n  port: /dev/ttyUSB2\n  baudRate: fast\n', (file) => {
    const r = checkConfig(file, { env: {} });
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors.map((e) => [e.key, e.line]), [['modem.baudRate', 4]]);
    assert.throws(() => loadConfig(file, {}), new RegExp(`\\(in ${file}:4\\)`));
  });
  withFile('modem:\n  port: /dev/ttyUSB2\n mail: x\n', (file) => {
    const r = checkConfig(file, { env: {} });
    assert.equal(r.valid, false);
    assert.match(r.errors[0]?.key ?? '', new RegExp(`${file}:3:`));
    assert.match(r.errors[0]?.message ?? '', /YAML syntax error/);
  });
});

test('an empty or all-default config refuses to start and says what is missing', async () => {
  for (const yaml of ['', '# nothing yet\n', 'logLevel: info\nmodem:\n  port: /dev/ttyUSB2\n']) {
    await withFile(yaml, async (file) => {
      const r = checkConfig(file, { env: {} });
      assert.equal(r.valid, false, yaml);
      assert.match(r.errors.map((e) => `${e.key}: ${e.message}`).join('\n'), /mail\.out\.defaultMailbox/);
      const run = await capture(() => runCommand.run(['--config', file]).catch((e: unknown) => { throw e; }));
      assert.fail(`run started with ${JSON.stringify(yaml)}: ${run.out}`);
    }).catch((e: unknown) => {
      assert.ok(e instanceof ConfigInvalidError, String(e));
      assert.match(e.message, /mail\.out\.defaultMailbox/);
    });
  }
});

test('config check: warnings for a useless config, effective settings with sources, secrets redacted, secrets.env beside the file', async () => {
  await withFile(`${MINIMAL}    smtp:\n      host: smtp.example.com\n      auth:\n        user: box\n`, async (file, dir) => {
    // Without the secret the check fails like the start would, naming where to put it.
    const missing = checkConfig(file, { env: {} });
    assert.equal(missing.valid, false);
    assert.match(missing.errors[0]?.message ?? '', /MMSGW_SMTP_PASSWORD/);

    const secrets = join(dir, 'secrets.env');
    writeFileSync(secrets, `# written by mmsgw setup\n${envLine('MMSGW_SMTP_PASSWORD', 'p"a$s w')}\n`);
    chmodSync(secrets, 0o644);
    const { code, out } = await capture(() => configCommand.run(['check', file, '--json', '--imsi', '208011234567890', '--spn', 'Prixtel']));
    const r = JSON.parse(out) as ReturnType<typeof checkConfig>;
    assert.equal(code, 0);
    assert.equal(r.valid, true);
    const byKey = new Map(r.settings.map((s) => [s.key, s]));
    assert.deepEqual(byKey.get('mail.out.smtp.auth.password'), { key: 'mail.out.smtp.auth.password', value: '<redacted>', source: 'environment MMSGW_SMTP_PASSWORD' });
    assert.equal(byKey.get('mail.out.smtp.host')?.source, 'file');
    assert.equal(byKey.get('modem.baudRate')?.source, 'default');
    assert.doesNotMatch(out, /p\\?"a/);
    assert.ok(r.warnings.some((w) => /readable by group or others/.test(w)));
    assert.ok(r.warnings.some((w) => /neither imap nor smtpListener/.test(w)));
    assert.equal(r.mms?.mmscUrl?.value, 'http://mms.orange.fr');
    assert.match(r.mms?.mmscUrl?.source ?? '', /Prixtel/);
  });
  assert.deepEqual(parseEnvFile(`A="x\\"y\\$z"\nB='q w'\nexport C=1\n`), { A: 'x"y$z', B: 'q w', C: '1' });
});

test('simulate.* is gone: nothing read it, so it is an unknown key', () => {
  withFile(`${MINIMAL}simulate:\n  modem: true\n`, (file) => {
    const r = checkConfig(file, { env: {} });
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors.map((e) => [e.key, e.line]), [['simulate', 4]]);
  });
});
