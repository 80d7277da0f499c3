import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Logging. One root pino logger; each module takes a child named after its area
 * (`log.child({ ns: 'at' })`). Level from MMSGW_LOG_LEVEL (default `info`; tests default
 * to `silent` so test output stays readable). The wire trace of the AT port is a child with
 * `ns: 'wire'` at debug level (see src/at/trace.ts).
 */
export type { Logger };

function defaultLevel(): string {
  if (process.env.MMSGW_LOG_LEVEL) return process.env.MMSGW_LOG_LEVEL;
  if (process.env.MMSGW_TEST === '1') return 'silent';
  return 'info';
}

let root: Logger | undefined;

export function rootLogger(options?: LoggerOptions): Logger {
  if (!root || options) root = pino({ level: defaultLevel(), base: { pid: process.pid }, ...options });
  return root;
}

export function logger(ns: string): Logger {
  return rootLogger().child({ ns });
}

/** A logger that drops everything; for library code used without a gateway around it. */
export const silentLogger: Logger = pino({ level: 'silent' });
