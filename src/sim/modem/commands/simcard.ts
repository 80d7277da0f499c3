/**
 * SIM-card commands beyond +CPIN: the PIN attempt counter (27.007 §8.65 +CPINR) and ICCID reads
 * (+CCID; restricted SIM access +CRSM is in sim-files.ts), plus the vendors' own forms of both,
 * which the profiles pick (vendorSimHandlers). Facts from the vendors' public AT manuals: Huawei
 * ^ICCID / ^CPIN, Quectel +QCCID / +QPINC, SIMCom +CICCID / +SPIC, ZTE +ZGETICCID / +ZPINPUK,
 * Sierra !ICCID.
 */
import { strParam } from '../parser.js';
import { cme, error, ok, simCmeError } from '../reply.js';
import type { CommandContext, CommandHandler, HandlerTable } from '../types.js';

/** 3GPP TS 51.011 §10.1.1: EF_ICCID is BCD with the nibbles of each byte swapped, F-padded. */
export function efIccid(iccid: string): string {
  const digits = iccid.padEnd(20, 'F');
  let out = '';
  for (let i = 0; i < 20; i += 2) out += `${digits[i + 1] ?? 'F'}${digits[i] ?? 'F'}`;
  return out;
}

const PUK_DEFAULT = 10;
const PIN_DEFAULT = 3;

function absent(ctx: CommandContext): boolean {
  return ctx.state.sim.state === 'absent';
}

/** 27.007 §8.65: +CPINR[=<sel_code>] → +CPINR: <code>,<retries>,<default_retries> per code. */
const cpinr: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok();
  if (cmd.kind !== 'exec' && cmd.kind !== 'set') return error();
  if (absent(ctx)) return cme(10);
  const sim = ctx.state.sim;
  const all = [`+CPINR: SIM PIN,${sim.pinTries},${PIN_DEFAULT}`, `+CPINR: SIM PUK,${sim.pukTries},${PUK_DEFAULT}`];
  const sel = strParam(cmd.params, 0);
  const pattern = sel === undefined ? undefined : new RegExp(`^${sel.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return ok(pattern ? all.filter((l) => pattern.test(l.slice(8).split(',')[0] ?? '')) : all);
};

/** An ICCID read in a vendor's own form: `<prefix> <iccid>` (exec or read, as the manual says). */
function iccidAs(prefix: string, kind: 'exec' | 'read'): CommandHandler {
  return (ctx, cmd) => {
    if (cmd.kind === 'test') return ok();
    if (cmd.kind !== kind) return error();
    if (absent(ctx)) return cme(10);
    return ok([`${prefix} ${ctx.state.sim.iccid}`]);
  };
}

/** A vendor's PIN counter: the line built from the card's counters. */
function counterAs(kind: 'exec' | 'read' | 'set' | 'test', line: (ctx: CommandContext) => string): CommandHandler {
  return (ctx, cmd) => {
    if (cmd.kind !== kind) return cmd.kind === 'test' ? ok() : error();
    const err = simCmeError(ctx.state);
    if (err === 10) return cme(10);
    return ok([line(ctx)]);
  };
}

const sim = (ctx: CommandContext) => ctx.state.sim;
const code = (ctx: CommandContext): string => (sim(ctx).state === 'ready' ? 'READY' : sim(ctx).state === 'puk' ? 'SIM PUK' : 'SIM PIN');

export const simCardHandlers: HandlerTable = {
  '+CPINR': cpinr,
};

export const vendorSimHandlers: Readonly<Record<string, HandlerTable>> = {
  // Huawei: AT^ICCID? → ^ICCID: <iccid>; AT^CPIN? → ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>
  huawei: {
    '^ICCID': iccidAs('^ICCID:', 'read'),
    '^CPIN': counterAs('read', (ctx) => `^CPIN: ${code(ctx)},${sim(ctx).state === 'pin' ? sim(ctx).pinTries : sim(ctx).state === 'puk' ? sim(ctx).pukTries : ''},${sim(ctx).pukTries},${sim(ctx).pinTries},${PUK_DEFAULT},${PIN_DEFAULT}`),
  },
  // Quectel: AT+QCCID → +QCCID: <iccid>; AT+QPINC="SC" → +QPINC: "SC",<pincounter>,<pukcounter>
  quectel: {
    '+QCCID': iccidAs('+QCCID:', 'exec'),
    '+QPINC': (ctx, cmd) => {
      if (cmd.kind === 'test') return ok(['+QPINC: ("SC","P2")']);
      if (cmd.kind !== 'set' && cmd.kind !== 'read') return error();
      if (absent(ctx)) return cme(10);
      return ok([`+QPINC: "SC",${sim(ctx).pinTries},${sim(ctx).pukTries}`]);
    },
  },
  // SIMCom: AT+CICCID → ICCID: <iccid>; AT+SPIC → +SPIC: <pin1>,<puk1>,<pin2>,<puk2>
  simcom: {
    '+CICCID': iccidAs('ICCID:', 'exec'),
    '+SPIC': counterAs('exec', (ctx) => `+SPIC: ${sim(ctx).pinTries},${sim(ctx).pukTries},${PIN_DEFAULT},${PUK_DEFAULT}`),
  },
  // ZTE: AT+ZGETICCID → +ZGETICCID: <iccid>; AT+ZPINPUK=? → +ZPINPUK: <pin>,<puk>
  zte: {
    '+ZGETICCID': iccidAs('+ZGETICCID:', 'exec'),
    '+ZPINPUK': counterAs('test', (ctx) => `+ZPINPUK: ${sim(ctx).pinTries},${sim(ctx).pukTries}`),
  },
  // Sierra: AT!ICCID? → !ICCID: <iccid>
  sierra: {
    '!ICCID': iccidAs('!ICCID:', 'read'),
  },
  generic: {},
};
