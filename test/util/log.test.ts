/**
 * src/util/log.ts: a level change reaches the loggers modules created at import time, and
 * every log line goes to stderr. Run in a child process so the root logger is fresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

const SCRIPT = `
import { logger, rootLogger } from './src/util/log.ts';
const early = logger('early');            // as a module-level logger: created before the level is set
const child = early.child({ job: 1 });
rootLogger({ level: 'warn' });            // what 'run' and 'demo' do after reading the config
early.info('early-info-dropped');
early.warn('early-warn-kept');
child.info('child-info-dropped');
child.error('child-error-kept');
rootLogger({ level: 'debug' });
early.debug('early-debug-kept');
`;

test('a level change reaches module-level loggers and their children; every line goes to stderr', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
    cwd: root,
    env: { ...process.env, MMSGW_LOG_LEVEL: 'debug', MMSGW_TEST: '' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '', 'nothing on stdout');
  const msgs = r.stderr.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
  assert.deepEqual(msgs, ['early-warn-kept', 'child-error-kept', 'early-debug-kept']);
});
