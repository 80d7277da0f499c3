#!/usr/bin/env node
// Runs the test suite with Node's own runner. Node 20's `--test` takes no globs, so the
// files are found here and passed explicitly; a run that executes 0 tests fails.
//
//   npm test                       every test/**/*.test.ts
//   npm test -- test/codec         only files under the given path prefixes
//   MMSGW_TEST_CONCURRENCY=1 npm test
//   MMSGW_TEST_FILE_TIMEOUT_S=1800 npm test   a file's longest run (default 900 s)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2).map((f) => relative(root, join(process.cwd(), f)));
const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f === x || f.startsWith(x.endsWith(sep) ? x : x + sep) || f.startsWith(x)))
  .sort();

if (files.length === 0) {
  console.error(`run-tests: no test files matched ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'mmsgw-tests-'));
const tap = join(work, 'report.tap');
const concurrency = process.env.MMSGW_TEST_CONCURRENCY ?? '3';
// A file still running after MMSGW_TEST_FILE_TIMEOUT_S (default 900 s; the slowest test, the
// targeted kills, takes about 150 s) fails with its name: one that hangs, or whose tests have
// ended but left something open (a gateway, a server), would otherwise hold the whole run, and
// the report would name nothing (the runner reports files in order, each once it has ended).
const fileTimeoutMs = Number(process.env.MMSGW_TEST_FILE_TIMEOUT_S ?? 900) * 1000;
const args = [
  '--import', 'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  `--test-timeout=${fileTimeoutMs}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
];
const started = Date.now();
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, MMSGW_TEST: '1' } });

let tests = 0;
let failed = 0;
let cancelled = 0;
try {
  const report = readFileSync(tap, 'utf8');
  tests = Number(/^# tests (\d+)$/m.exec(report)?.[1] ?? 0);
  failed = Number(/^# fail (\d+)$/m.exec(report)?.[1] ?? 0);
  cancelled = Number(/^# cancelled (\d+)$/m.exec(report)?.[1] ?? 0);
} catch {
  // no report: the runner itself failed; its exit status says so below
}
rmSync(work, { recursive: true, force: true });

const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`run-tests: ${files.length} files, ${tests} tests, ${failed} failed, ${cancelled} cancelled (timed out), ${secs}s`);
if (tests === 0) {
  console.error('run-tests: 0 tests executed — treating as failure');
  process.exit(1);
}
process.exit(run.status ?? 1);
