import type { AtCommand } from '../../at/command.js';
import { MmsgwError } from '../../util/errors.js';
import { intParam, quote, splitParams } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.005 §3.2.2 +CPMS: preferred message storage. <mem1> read/delete, <mem2> write/send,
 * <mem3> where received messages are stored. "SM" SIM, "ME" modem, "MT" both, "SR" reports.
 */
export interface StorageUse {
  readonly mem: string;
  readonly used: number;
  readonly total: number;
}

export interface StorageState {
  readonly mem1: StorageUse;
  readonly mem2?: StorageUse;
  readonly mem3?: StorageUse;
}

/** AT+CPMS? → `+CPMS: <mem1>,<used1>,<total1>,<mem2>,…` */
export function parseCpmsQuery(lines: readonly string[]): StorageState {
  const line = lines.find((l) => l.startsWith('+CPMS:'));
  if (line === undefined) throw new MmsgwError('AT_PARSE', 'no +CPMS answer');
  const p = splitParams(line.slice(6));
  const use = (i: number): StorageUse | undefined => {
    const mem = p[i];
    const used = intParam(p, i + 1);
    const total = intParam(p, i + 2);
    return mem && used !== undefined && total !== undefined ? { mem, used, total } : undefined;
  };
  const mem1 = use(0);
  if (!mem1) throw new MmsgwError('AT_PARSE', `cannot read +CPMS: ${line}`);
  const mem2 = use(3);
  const mem3 = use(6);
  return { mem1, ...(mem2 ? { mem2 } : {}), ...(mem3 ? { mem3 } : {}) };
}

export const cpmsQuery: AtCommand<StorageState> = { text: 'AT+CPMS?', prefixes: ['+CPMS:'], timeoutMs: TIMEOUTS.sim, parse: (r) => parseCpmsQuery(r.lines) };

/** AT+CPMS=<mem1>[,<mem2>[,<mem3>]] → `+CPMS: <used1>,<total1>,…` */
export function cpmsSet(mem1: string, mem2?: string, mem3?: string): AtCommand<{ used: number; total: number }> {
  const mems = [mem1, mem2, mem3].filter((m): m is string => m !== undefined).map(quote).join(',');
  return {
    text: `AT+CPMS=${mems}`,
    prefixes: ['+CPMS:'],
    receive: true,
    timeoutMs: TIMEOUTS.sim,
    parse: (r) => {
      const line = r.lines.find((l) => l.startsWith('+CPMS:'));
      const p = line === undefined ? [] : splitParams(line.slice(6));
      return { used: intParam(p, 0) ?? 0, total: intParam(p, 1) ?? 0 };
    },
  };
}

/** AT+CPMS=? → the storages allowed for <mem1>: `+CPMS: ("ME","SM","SR"),(…),(…)`. */
export function parseCpmsSupported(lines: readonly string[]): string[] {
  const line = lines.find((l) => l.startsWith('+CPMS:'));
  if (line === undefined) return [];
  const first = /\(([^)]*)\)/.exec(line)?.[1] ?? line.slice(6);
  return splitParams(first).filter((m) => m !== '');
}

export const cpmsSupported: AtCommand<string[]> = { text: 'AT+CPMS=?', prefixes: ['+CPMS:'], timeoutMs: TIMEOUTS.sim, parse: (r) => parseCpmsSupported(r.lines) };
