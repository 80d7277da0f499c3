import type { AtCommand } from '../../at/command.js';
import { ACCESS_TECHNOLOGIES } from './creg.js';
import { intParam, splitParams } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.007 §7.3 +COPS? → `+COPS: <mode>[,<format>,<oper>[,<AcT>]]`. */
export interface OperatorInfo {
  readonly mode: number;
  readonly format?: number;
  readonly operator?: string;
  readonly accessTechnology?: string;
}

export function parseCops(lines: readonly string[]): OperatorInfo {
  const line = lines.find((l) => l.startsWith('+COPS:'));
  if (line === undefined) return { mode: 0 };
  const p = splitParams(line.slice(6));
  const mode = intParam(p, 0) ?? 0;
  const format = intParam(p, 1);
  const act = intParam(p, 3);
  return {
    mode,
    ...(format === undefined ? {} : { format }),
    ...(p[2] ? { operator: p[2] } : {}),
    ...(act === undefined ? {} : { accessTechnology: ACCESS_TECHNOLOGIES[act] ?? `act-${act}` }),
  };
}

/** AT+COPS=3,<format>: sets the format of later +COPS? answers (0 long alphanumeric, 2 numeric). */
export function copsFormat(format: 0 | 1 | 2): AtCommand<void> {
  return { text: `AT+COPS=3,${format}`, timeoutMs: TIMEOUTS.local, parse: () => undefined };
}

export const copsQuery: AtCommand<OperatorInfo> = { text: 'AT+COPS?', prefixes: ['+COPS:'], timeoutMs: TIMEOUTS.network, parse: (r) => parseCops(r.lines) };
