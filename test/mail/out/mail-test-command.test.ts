import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../../src/cli/commands/mail-test.js';
import { parseWithMailparser, startSmtp, type SmtpHarness } from './harness.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await command.run(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('mmsgw mail-test', () => {
  let server: SmtpHarness;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmsgw-mailtest-'));
    server = await startSmtp({
      authMethods: ['PLAIN'],
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _s, cb) {
        if (auth.password === 'pw') cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('with flags: sends and prints the server reply', async () => {
    const r = await run(['--to', 'me@company.example', '--host', '127.0.0.1', '--port', String(server.port), '--no-starttls', '--user', 'gw', '--password', 'pw', '--domain', 'sms.example']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^accepted by 127\.0\.0\.1:\d+: 250 .*queued as TEST1/);
    const got = server.received.at(-1);
    assert.deepEqual(got?.to, ['me@company.example']);
    const mail = await parseWithMailparser(got?.raw ?? Buffer.alloc(0));
    assert.equal(mail.subject, 'mmsgw mail test');
    assert.equal(mail.from?.value[0]?.address, 'mmsgw@sms.example');
  });

  test('with a config file; a wrong password is reported as an authentication failure', async () => {
    const file = join(dir, 'mmsgw.yaml');
    writeFileSync(file, [
      'mail:',
      '  out:',
      '    fromDomain: sms.example',
      '    smtp:',
      '      host: 127.0.0.1',
      `      port: ${server.port}`,
      '      starttls: false',
      '      auth: { user: gw, password: wrong }',
      '',
    ].join('\n'));
    const r = await run(['--to', 'me@company.example', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /temporary failure at 127\.0\.0\.1:\d+: authentication failed: .*535/);
    const ok = await run(['--to', 'me@company.example', '--config', file, '--user', 'gw', '--password', 'pw']);
    assert.equal(ok.code, 0, ok.err);
  });

  test('connection refused and a missing --to are clear', async () => {
    const closed = await startSmtp();
    const port = closed.port;
    await closed.close();
    const r = await run(['--to', 'me@company.example', '--host', '127.0.0.1', '--port', String(port), '--no-starttls']);
    assert.equal(r.code, 1);
    assert.match(r.err, /connection failed: .*ECONNREFUSED/);
    assert.equal((await run([])).code, 2);
  });
});
