// Loader hooks for module-trace.mjs (they run on the loader thread): record each loaded URL. A
// CommonJS module reached by an `import` is marked: Node's ES loader lexes its source (and that of
// every module it re-exports) for named exports before running it.
import { appendFileSync } from 'node:fs';

export const COMMONJS_THROUGH_IMPORT = ' (CommonJS through import)';

let out;
export function initialize(data) {
  out = data.out;
}
export async function load(url, context, next) {
  const loaded = await next(url, context);
  appendFileSync(out, `${url}${loaded.format === 'commonjs' ? COMMONJS_THROUGH_IMPORT : ''}\n`);
  return loaded;
}
