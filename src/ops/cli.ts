import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MmsgwError, errorMessage } from '../util/errors.js';
import { OPS_BUSY_TIMEOUT_MS } from './db.js';
import { locate, type Location } from './locate.js';
import { clean, setDisplay, toJson } from './text.js';
import { displayFromConfig } from './display.js';

/** Options every operations command takes. */
export const LOCATION_OPTIONS = {
  config: { type: 'string', short: 'c' },
  'state-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

export const LOCATION_USAGE = `  --config FILE     the gateway's configuration (its stateDir names the database);
                    default $MMSGW_CONFIG
  --state-dir DIR   the state directory itself (<DIR>/mmsgw.db)
  --json            print JSON instead of text`;

/** A wrong argument: printed with the usage, exit status 2. */
export class UsageError extends MmsgwError {
  constructor(message: string) {
    super('OPS_USAGE', message);
  }
}

export interface OpsInvocation<V> {
  readonly values: V;
  readonly positionals: readonly string[];
  readonly json: boolean;
  /** Resolves the database location (lazily: a usage error is reported first). */
  location(): Location;
  out(text: string): void;
  /** Prints a value as JSON (with --json) or as the text `render` makes of it. */
  print<T>(value: T, render: (v: T) => string): void;
}

/**
 * Parses the arguments, runs `body`, and maps failures to exit codes: 2 for wrong usage
 * (with the usage text), 1 for an error naming what was wrong (as `{"error","message"}` on
 * stderr with --json).
 */
export async function runOps<O extends ParseArgsConfig['options']>(
  name: string,
  usage: string,
  argv: string[],
  options: O,
  body: (inv: OpsInvocation<ReturnType<typeof parseArgs<{ options: O & typeof LOCATION_OPTIONS; allowPositionals: true }>>['values']>) => Promise<number> | number,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...LOCATION_OPTIONS, ...options } as O & typeof LOCATION_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`mmsgw ${name}: ${errorMessage(e)}\n\n${usage}`);
    return 2;
  }
  const values = parsed.values as Record<string, unknown>;
  const json = values.json === true;
  setDisplay(displayFromConfig(typeof values.config === 'string' ? values.config : process.env.MMSGW_CONFIG));
  try {
    return await body({
      values: parsed.values,
      positionals: parsed.positionals,
      json,
      location: () =>
        locate({
          config: typeof values.config === 'string' ? values.config : undefined,
          stateDir: typeof values['state-dir'] === 'string' ? values['state-dir'] : undefined,
        }),
      out: (text) => console.log(text),
      print: (value, render) => console.log(json ? toJson(value) : render(value)),
    });
  } catch (e) {
    if (e instanceof UsageError || (e instanceof MmsgwError && e.code === 'OPS_USAGE')) {
      console.error(`mmsgw ${name}: ${e.message}\n\n${usage}`);
      return 2;
    }
    const { code, message } = describe(e);
    // Messages can quote stored text (job keys carry sender names): cleaned like any output.
    if (json) console.error(toJson({ error: code, message }).replace(/\n\s*/g, ' '));
    else console.error(`mmsgw ${name}: ${clean(message)}`);
    return 1;
  }
}

function describe(e: unknown): { code: string; message: string } {
  if ((e as { code?: unknown }).code === 'SQLITE_BUSY') {
    return {
      code: 'OPS_LOCKED',
      message: `the database stayed locked for ${OPS_BUSY_TIMEOUT_MS / 1000} s (a long backup or an open sqlite3 shell?); nothing was changed, try again`,
    };
  }
  return { code: e instanceof MmsgwError ? e.code : 'ERROR', message: errorMessage(e) };
}

/** A positive whole number argument (an id, a limit). */
export function positiveInt(value: string | undefined, what: string): number {
  if (value === undefined || !/^[0-9]{1,15}$/.test(value) || Number(value) < 1) throw new UsageError(`${what} must be a positive whole number, got '${value ?? ''}'`);
  return Number(value);
}
