import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * Logging. One root pino logger, created once and never replaced; each module takes a child
 * named after its area (`logger('at')`). Children read their level through the root (pino
 * children inherit it unless given their own), so `setLogLevel` — or `rootLogger({ level })`
 * — reaches every logger, including the module-level ones created at import time. Level from
 * MMSGW_LOG_LEVEL (default `info`; tests default to `silent` so test output stays readable).
 *
 * Every log line goes to stderr (fd 2, synchronous writes so nothing is lost on exit): stdout
 * belongs to the command's output, and every `--json` command prints exactly one JSON
 * document there. The wire trace of the AT port is a child with `ns: 'wire'` at debug level
 * (see src/at/trace.ts).
 */
export type { Logger };

function defaultLevel(): string {
  if (process.env.MMSGW_LOG_LEVEL) return process.env.MMSGW_LOG_LEVEL;
  if (process.env.MMSGW_TEST === '1') return 'silent';
  return 'info';
}

let root: Logger | undefined;

export function rootLogger(options?: { readonly level?: LevelWithSilent | string }): Logger {
  root ??= pino({ level: defaultLevel(), base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  if (options?.level !== undefined) setLogLevel(options.level);
  return root;
}

/** Changes the level of the root logger and so of every logger derived from it. */
export function setLogLevel(level: LevelWithSilent | string): void {
  rootLogger().level = level;
}

export function logger(ns: string): Logger {
  return rootLogger().child({ ns });
}

/** A logger that drops everything; for library code used without a gateway around it. */
export const silentLogger: Logger = pino({ level: 'silent' }, pino.destination({ fd: 2, sync: true }));
