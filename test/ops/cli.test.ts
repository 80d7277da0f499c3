import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixture, cli, type Fixture } from './fixture.js';

describe('ops: the CLI', { concurrency: true }, () => {
  let f: Fixture;
  before(async () => {
    f = await buildFixture();
  });
  after(() => f.cleanup());

  it('status --json through --config FILE whose secrets are not in this shell', async () => {
    const config = join(f.dir, 'mmsgw.yaml');
    writeFileSync(config, `stateDir: .\nmail:\n  out:\n    smtp:\n      auth:\n        password: \${SMTP_SECRET_NOT_SET}\n`);
    const r = await cli(['status', '--config', config, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { jobs: { dead: number }; quarantined: number };
    assert.equal(s.jobs.dead, 1);
    assert.equal(s.quarantined, 1);
  });

  it('messages prints one clean line per message', async () => {
    const r = await cli(['messages', '--state-dir', f.dir, '--in']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u001b\u0007\u009b]/);
    assert.equal(r.stdout.trim().split('\n').length, 3);
  });

  it('an error names what was wrong (exit 1); wrong usage prints the usage (exit 2)', async () => {
    const [missing, usage] = await Promise.all([cli(['show', '424242', '--state-dir', f.dir]), cli(['retry', '--state-dir', f.dir])]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /mmsgw show: no such message 424242/);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /name one job id, or --all-dead[\s\S]*usage: mmsgw retry/);
  });

  it('quarantine --export writes the files `mmsgw decode` reads', async () => {
    const out = join(f.dir, 'q');
    const exp = await cli(['quarantine', '--export', out, '--state-dir', f.dir, '--json']);
    assert.equal(exp.code, 0, exp.stderr);
    assert.deepEqual(readdirSync(out), [`q${f.quarantineId}-sms.hex`]);
    assert.deepEqual((JSON.parse(exp.stdout) as { exported: string[] }).exported, [join(out, `q${f.quarantineId}-sms.hex`)]);
  });
});
