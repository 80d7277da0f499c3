#!/usr/bin/env node
// Entry point of the `mmsgw` command (linked into the PATH, see README). Runs the compiled
// gateway from dist/ (built by `npm run build`, or by the `prepare` script when sources
// changed). With MMSGW_DEV=1, or when dist/ is missing, it runs the TypeScript sources through
// tsx instead.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (process.env.MMSGW_DEV !== '1' && existsSync(dist)) {
  main = await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
process.exitCode = await main.main(process.argv.slice(2));
