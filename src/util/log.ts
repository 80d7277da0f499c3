import { fstatSync, writeSync } from 'node:fs';
import type { DestinationStream, Logger, LevelWithSilent } from 'pino';
import type * as PinoPackage from 'pino';
import { createRequire } from 'node:module';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';

// A CommonJS package, loaded with require: imported from an ES module, Node would first lex its
// source for named exports (docs/PERFORMANCE.md "Memory at start").
const { pino } = createRequire(import.meta.url)('pino') as typeof PinoPackage;

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
 *
 * The shape of a line depends on where stderr goes (MMSGW_LOG_FORMAT overrides):
 * - `pretty` — a terminal: one readable line, `12:00:01.234 INFO  [modem] registered {operator: …}`
 *   (pino-pretty, as a synchronous stream).
 * - `journal` — systemd's journal (JOURNAL_STREAM names stderr's device:inode, systemd.exec(5)):
 *   one JSON object per line behind the syslog priority prefix `<N>` that journald reads
 *   (sd-daemon(3)), so `journalctl -p warning` selects warnings and worse.
 * - `json` — anything else (a pipe, a file): one JSON object per line.
 *
 * No secret reaches a line: fields named like credentials are censored by pino's redaction,
 * and every value registered with `registerSecrets` (the configuration's passwords, PIN,
 * tokens) is masked in the finished line, wherever it appears.
 */
export type { Logger };

export type LogFormat = 'pretty' | 'journal' | 'json';

function defaultLevel(): string {
  if (process.env.MMSGW_LOG_LEVEL) return process.env.MMSGW_LOG_LEVEL;
  if (process.env.MMSGW_TEST === '1') return 'silent';
  return 'info';
}

/** Whether JOURNAL_STREAM (`<device>:<inode>`) names the file stderr is connected to. */
function stderrIsJournal(env: NodeJS.ProcessEnv): boolean {
  const js = env['JOURNAL_STREAM'];
  if (js === undefined || !/^\d+:\d+$/.test(js)) return false;
  try {
    const st = fstatSync(2, { bigint: true });
    return js === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

export function chooseLogFormat(env: NodeJS.ProcessEnv = process.env, stderrIsTty: boolean = process.stderr.isTTY === true): LogFormat {
  const forced = env['MMSGW_LOG_FORMAT'];
  if (forced === 'pretty' || forced === 'journal' || forced === 'json') return forced;
  if (stderrIsJournal(env)) return 'journal';
  return stderrIsTty ? 'pretty' : 'json';
}

/** pino level number → syslog priority (RFC 5424 §6.2.1): fatal crit, error err, warn warning, info info, debug/trace debug. */
export function journalPriority(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

// ---------------------------------------------------------------------------------- secrets

const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Values that must never appear in a log line. Each is masked wherever it occurs — also
 * JSON-escaped, as it appears inside a string field. Short all-digit values (a SIM PIN) are
 * masked only where they stand alone, so a timestamp that contains the digits stays intact.
 */
export function registerSecrets(values: Iterable<string | null | undefined>): void {
  for (const v of values) {
    if (typeof v === 'string' && v.length >= 3) {
      secrets.add(v);
      const json = JSON.stringify(v).slice(1, -1);
      if (json !== v) secrets.add(json);
    }
  }
  const alternatives = [...secrets]
    .sort((a, b) => b.length - a.length)
    .map((s) => (/^\d{1,8}$/.test(s) ? `(?<![0-9A-Za-z])${s}(?![0-9A-Za-z])` : escapeRegExp(s)));
  secretPattern = alternatives.length === 0 ? undefined : new RegExp(alternatives.join('|'), 'g');
}

export function scrubSecrets(line: string): string {
  return secretPattern === undefined ? line : line.replace(secretPattern, '[redacted]');
}

/** Field names that hold credentials, censored wherever they appear (one level deep too). */
const REDACT_KEYS = ['password', 'pass', 'pin', 'puk', 'secret', 'token', 'accessToken', 'refreshToken', 'clientSecret', 'apnPassword', 'authorization', 'cookie', 'passwordHash'];
const REDACT_PATHS = [...REDACT_KEYS, ...REDACT_KEYS.map((k) => `*.${k}`), 'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie'];

// ----------------------------------------------------------------------------- destinations

function writeAll(s: string): void {
  const b = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(2, b, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

/** JSON lines on fd 2, secrets masked; in journal mode behind the `<N>` priority prefix. */
function lineDestination(journal: boolean): DestinationStream {
  return {
    write(line: string): void {
      const clean = scrubSecrets(line);
      if (!journal) return writeAll(clean);
      const m = /^\{"level":(\d+)/.exec(clean);
      writeAll(`<${journalPriority(Number(m?.[1] ?? 30))}>${clean}`);
    },
  };
}

/**
 * pino-pretty (and its ~30 modules) is loaded only for a terminal: a service under systemd or
 * behind a pipe writes JSON lines and never needs it. It is CommonJS, so `require` loads it
 * synchronously when the first logger is made.
 */
function prettyDestination(): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof PrettyFactory };
  const colorize = process.stderr.isTTY === true && process.env['NO_COLOR'] === undefined;
  const format = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,ns',
    messageFormat: '{if ns}[{ns}] {end}{msg}',
    // One line per entry: an error's fields stay in the inline object too.
    errorLikeObjectKeys: [],
  });
  return {
    write(line: string): void {
      writeAll(format(scrubSecrets(line)));
    },
  };
}

// ---------------------------------------------------------------------------------- loggers

let root: Logger | undefined;
/** Loggers made here (the root's descendants), whose `ns` binding `areaLogger` replaces. */
const ours = new WeakSet<Logger>();

export function rootLogger(options?: { readonly level?: LevelWithSilent | string }): Logger {
  if (root === undefined) {
    const format = chooseLogFormat();
    const dest = format === 'pretty' ? prettyDestination() : lineDestination(format === 'journal');
    root = pino({ level: defaultLevel(), base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
    ours.add(root);
  }
  if (options?.level !== undefined) setLogLevel(options.level);
  return root;
}

/** Changes the level of the root logger and so of every logger derived from it. */
export function setLogLevel(level: LevelWithSilent | string): void {
  rootLogger().level = level;
}

export function logger(ns: string): Logger {
  const l = rootLogger().child({ ns });
  ours.add(l);
  return l;
}

/**
 * A logger for a sub-area (`areaLogger(gatewayLog, 'modem')`): the parent's bindings with `ns`
 * replaced, so a line carries one `ns` key, not two. A logger from elsewhere (a test's own
 * pino) just gets the binding.
 */
export function areaLogger(parent: Logger, ns: string): Logger {
  if (!ours.has(parent)) return parent.child({ ns });
  const { ns: _old, ...rest } = parent.bindings() as Record<string, unknown>;
  const l = rootLogger().child({ ...rest, ns });
  ours.add(l);
  return l;
}

/**
 * A child with more fields (`{ modem: 'modem2' }`) that `areaLogger` can still move to another
 * area without writing `ns` twice.
 */
export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  const l = parent.child(fields);
  if (ours.has(parent)) ours.add(l);
  return l;
}

/** A logger that drops everything; for library code used without a gateway around it. */
export const silentLogger: Logger = pino({ level: 'silent' }, pino.destination({ fd: 2, sync: true }));
