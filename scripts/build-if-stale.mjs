#!/usr/bin/env node
// Builds dist/ with tsc only when a source is newer than the build, so `npm start` (and the
// `prepare` of an install) does not recompile an unchanged tree. A build is stale when
// dist/cli/main.js is missing or older than any file under src/, tsconfig*.json or package.json.
//
//   node scripts/build-if-stale.mjs            build if stale
//   MMSGW_BUILD_ROOT=DIR MMSGW_TSC="cmd args"  another tree / compiler (tests)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.env.MMSGW_BUILD_ROOT ?? new URL('..', import.meta.url).pathname;
const output = join(root, 'dist', 'cli', 'main.js');

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

const inputs = Math.max(newest(join(root, 'src')), newest(join(root, 'tsconfig.json')), newest(join(root, 'tsconfig.build.json')), newest(join(root, 'package.json')));
const built = existsSync(output) ? statSync(output).mtimeMs : 0;
if (built >= inputs) {
  if (process.env.MMSGW_BUILD_VERBOSE) console.error('build-if-stale: dist/ is up to date');
  process.exit(0);
}

let cmd;
let args;
if (process.env.MMSGW_TSC) {
  [cmd, ...args] = process.env.MMSGW_TSC.split(' ');
} else {
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    // A production install without the dev dependencies: a shipped dist/ is used as it is.
    if (built > 0) {
      console.error('build-if-stale: typescript is not installed; using the existing dist/');
      process.exit(0);
    }
    console.error('build-if-stale: dist/ is missing and typescript is not installed: run `npm ci` (with dev dependencies), then `npm run build`');
    process.exit(1);
  }
  cmd = process.execPath;
  args = [tsc, '-p', join(root, 'tsconfig.build.json')];
}
console.error('build-if-stale: sources changed; compiling');
const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
