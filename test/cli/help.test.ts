/**
 * The command line's help and usage errors: `mmsgw help` lists every command with a line
 * of description, `help X` / `X --help` / `X -h` print X's usage, and a mistyped command or
 * flag exits 2 with a suggestion. Runs `main` in-process with the console captured, and the
 * real binary once for the exit status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { commands } from '../../src/cli/registry.js';
import { editDistance, flagsOf, suggest } from '../../src/cli/help.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('mmsgw help lists every command with a one-line description and the exit codes', async () => {
  const r = await run(['help']);
  assert.equal(r.code, 0);
  for (const name of Object.keys(commands)) {
    const line = r.out.split('\n').find((l) => l.trimStart().startsWith(`${name} `));
    assert.ok(line !== undefined && line.trim().length > name.length + 10, `'${name}' has a description: ${line ?? '(none)'}`);
  }
  assert.match(r.out, /exit status: 0 success, 1 failure .*, 2 wrong usage/);
  const bare = await run([]);
  assert.equal(bare.code, 2);
  assert.equal(bare.out, '', 'bare mmsgw: the list on stderr, stdout empty');
});

test('help X, X --help and X -h print the same usage; every flag in it is described', async () => {
  for (const name of Object.keys(commands)) {
    const a = await run(['help', name]);
    const b = await run([name, '--help']);
    const c = await run([name, '-h']);
    assert.equal(a.code, 0, name);
    assert.equal(b.code, 0, name);
    assert.equal(c.code, 0, name);
    assert.equal(a.out, b.out);
    assert.equal(a.out, c.out);
    assert.match(a.out, /usage: mmsgw/);
    // Each flag of the synopsis appears again in the text below it, where it is described.
    const body = a.out.split('\n').filter((l) => !/^\s*(usage:)?\s*mmsgw /.test(l)).join('\n');
    for (const flag of flagsOf(a.out)) assert.ok(flagsOf(body).includes(flag), `mmsgw ${name}: --${flag} is described`);
  }
});

test('a mistyped command or flag exits 2 with a suggestion', async () => {
  const cmd = await run(['stauts']);
  assert.equal(cmd.code, 2);
  assert.match(cmd.err, /unknown command 'stauts' — did you mean 'status'\?/);
  const flag = await run(['messages', '--limt', '3']);
  assert.equal(flag.code, 2);
  assert.match(flag.err, /unknown option '--limt' — did you mean '--limit'\?/);
  const far = await run(['messages', '--frobnicate']);
  assert.equal(far.code, 2);
  assert.doesNotMatch(far.err, /did you mean/);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(suggest('backpu', ['backup', 'restore']), 'backup');
  // The real binary's exit status.
  const root = new URL('../..', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'retsore'], { env: { ...process.env, MMSGW_DEV: '1' }, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /did you mean 'restore'/);
});
