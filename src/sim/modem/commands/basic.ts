/**
 * V.250 basic commands and the 27.007 general ones: echo, result code format, reset, identity
 * (§5.1–5.4, §5.6 IMSI, +CCID), subscriber number (§7.1), error reporting (§9.1), functionality
 * (§8.2) and the SIM PIN (§8.3).
 */
import { intParam, strParam } from '../parser.js';
import { cme, error, ok, q, simCmeError } from '../reply.js';
import type { AtCommand, CommandContext, CommandHandler, HandlerTable, Reply } from '../types.js';

function flag(apply: (ctx: CommandContext, v: number) => boolean): CommandHandler {
  return (ctx, cmd) => {
    const v = cmd.args === '' ? 0 : Number(cmd.args);
    return apply(ctx, v) ? ok() : error();
  };
}

function identity(field: 'manufacturer' | 'model' | 'revision' | 'imei', name: string): CommandHandler {
  return (ctx, cmd) => {
    if (cmd.kind === 'test') return ok();
    if (cmd.kind !== 'exec') return error();
    const value = ctx.profile.identity[field];
    return ok([ctx.profile.prefixedIdentity.includes(name) ? `${name}: ${value}` : value]);
  };
}

/** S-registers (V.250 §6.2): S0 auto-answer, S3 CR, S4 LF, S5 BS, S7, S10; values per modem. */
const S_DEFAULTS: Readonly<Record<string, number>> = { S0: 0, S3: 13, S4: 10, S5: 8, S7: 60, S10: 15 };

function sRegister(ctx: CommandContext, cmd: AtCommand): Reply {
  const fallback = S_DEFAULTS[cmd.name];
  if (fallback === undefined) return error();
  const key = `s:${cmd.name}`;
  if (cmd.kind === 'read') return ok([String(ctx.state.settings.vendor[key] ?? fallback).padStart(3, '0')]);
  const v = intParam(cmd.params, 0);
  if (Number.isNaN(v) || v > 255) return error();
  // S3/S4/S5 are accepted but the line discipline keeps CR, LF and BS.
  ctx.state.settings.vendor[key] = v;
  return ok();
}

const cfun: CommandHandler = (ctx, cmd) => {
  const s = ctx.state.settings;
  if (cmd.kind === 'read') return ok([`+CFUN: ${s.cfun}`]);
  if (cmd.kind === 'test') return ok(['+CFUN: (0,1,4),(0,1)']);
  if (cmd.kind !== 'set') return error();
  const fun = intParam(cmd.params, 0);
  const rst = intParam(cmd.params, 1, 0);
  if (![0, 1, 4].includes(fun) || (rst !== 0 && rst !== 1)) return cme(50);
  if (rst === 1) return ok([], () => ctx.reboot());
  const before = s.cfun;
  s.cfun = fun;
  if (before !== fun) ctx.emit('cfun', { fun });
  return ok([], () => ctx.registrationChanged());
};

const cpin: CommandHandler = (ctx, cmd) => {
  const sim = ctx.state.sim;
  if (cmd.kind === 'test') return ok();
  if (sim.state !== 'absent' && Date.now() < sim.busyUntil) return cme(14); // still reading the card after boot
  if (cmd.kind === 'read') {
    switch (sim.state) {
      case 'absent':
        return cme(10);
      case 'ready':
        return ok(['+CPIN: READY']);
      case 'pin':
        return ok(['+CPIN: SIM PIN']);
      case 'puk':
        return ok(['+CPIN: SIM PUK']);
    }
  }
  if (cmd.kind !== 'set') return error();
  const code = strParam(cmd.params, 0);
  const newPin = strParam(cmd.params, 1);
  if (code === undefined) return cme(50);
  switch (sim.state) {
    case 'absent':
      return cme(10);
    case 'ready':
      // 27.007 §8.3: no PIN is pending, so there is nothing to enter.
      return cme(3);
    case 'pin':
      if (code === sim.pin) {
        sim.state = 'ready';
        sim.pinTries = 3;
        return ok([], () => simReady(ctx));
      }
      sim.pinTries--;
      if (sim.pinTries <= 0) sim.state = 'puk';
      return cme(16);
    case 'puk':
      if (newPin === undefined) return cme(50);
      if (code === sim.puk) {
        sim.pin = newPin;
        sim.state = 'ready';
        sim.pinTries = 3;
        sim.pukTries = 10;
        return ok([], () => simReady(ctx));
      }
      sim.pukTries--;
      return cme(16);
  }
};

/** What a firmware reports once the SIM opens: its READY URCs, then registration. */
function simReady(ctx: CommandContext): void {
  for (const line of ctx.profile.simUrcs) ctx.urc(line);
  ctx.registrationChanged();
}

function simInfo(get: (ctx: CommandContext) => string[], test = false): CommandHandler {
  return (ctx, cmd) => {
    if (cmd.kind === 'test' && test) return ok();
    if (cmd.kind !== 'exec') return error();
    const err = simCmeError(ctx.state);
    if (err !== undefined) return cme(err);
    return ok(get(ctx));
  };
}

const cmee: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'read') return ok([`+CMEE: ${ctx.state.settings.cmee}`]);
  if (cmd.kind === 'test') return ok(['+CMEE: (0-2)']);
  const n = cmd.kind === 'exec' ? 0 : intParam(cmd.params, 0, 0);
  if (n !== 0 && n !== 1 && n !== 2) return error();
  ctx.state.settings.cmee = n;
  return ok();
};

export const basicHandlers: HandlerTable = {
  E: flag((ctx, v) => (v === 0 || v === 1 ? ((ctx.state.settings.echo = v === 1), true) : false)),
  V: flag((ctx, v) => (v === 0 || v === 1 ? ((ctx.state.settings.verbose = v === 1), true) : false)),
  Q: flag((ctx, v) => (v === 0 || v === 1 ? ((ctx.state.settings.quiet = v === 1), true) : false)),
  X: flag((_ctx, v) => v >= 0 && v <= 4),
  '&C': flag((_ctx, v) => v === 0 || v === 1),
  '&D': flag((_ctx, v) => v >= 0 && v <= 2),
  '&K': flag((_ctx, v) => v === 0 || v === 3 || v === 4),
  '&W': flag((_ctx, v) => v === 0),
  // V.250 §6.1.1 / §6.1.2: ATZ and AT&F restore the factory settings of the command interpreter.
  Z: (ctx) => ok([], () => resetSettings(ctx)),
  '&F': (ctx) => ok([], () => resetSettings(ctx)),
  I: (ctx, cmd) => (cmd.args === '' || cmd.args === '0' ? ok(ctx.profile.ati) : error()),
  S0: sRegister,
  S3: sRegister,
  S4: sRegister,
  S5: sRegister,
  S7: sRegister,
  S10: sRegister,
  '+CGMI': identity('manufacturer', '+CGMI'),
  '+GMI': identity('manufacturer', '+GMI'),
  '+CGMM': identity('model', '+CGMM'),
  '+GMM': identity('model', '+GMM'),
  '+CGMR': identity('revision', '+CGMR'),
  '+GMR': identity('revision', '+GMR'),
  '+CGSN': identity('imei', '+CGSN'),
  '+GSN': identity('imei', '+GSN'),
  '+GCAP': (_ctx, cmd) => (cmd.kind === 'exec' ? ok(['+GCAP: +CGSM,+DS,+ES']) : error()),
  '+CIMI': simInfo((ctx) => [ctx.state.sim.imsi], true),
  '+CCID': simInfo((ctx) => [`+CCID: ${ctx.state.sim.iccid}`], true),
  '+CNUM': simInfo((ctx) => [`+CNUM: ,${q(ctx.state.sim.msisdn)},145`], true),
  '+CMEE': cmee,
  '+CFUN': cfun,
  '+CPIN': cpin,
};

function resetSettings(ctx: CommandContext): void {
  const s = ctx.state.settings;
  s.echo = true;
  s.verbose = true;
  s.quiet = false;
  s.cmee = 0;
}
