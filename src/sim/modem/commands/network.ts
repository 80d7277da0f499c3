/**
 * Network registration and signal: +CREG (27.007 §7.2), +CGREG (§10.1.20), +CEREG (§10.1.22),
 * +COPS (§7.3), +CSQ (§8.5) and +CESQ (§8.69). The URC forms are built here too so that a
 * change pushed from the control channel reports exactly what a read would.
 */
import { intParam } from '../parser.js';
import { cme, error, ok, q } from '../reply.js';
import { effectiveStat, registered, type ModemState } from '../state.js';
import type { CommandHandler, HandlerTable, ModemProfile } from '../types.js';

export type RegName = '+CREG' | '+CGREG' | '+CEREG';

const SETTING = { '+CREG': 'creg', '+CGREG': 'cgreg', '+CEREG': 'cereg' } as const;

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

/** <stat>[,<lac|tac>,<ci>[,<AcT>]]; the location only with n=2 and while registered or searching. */
function regFields(state: ModemState, name: RegName, n: number): string {
  const stat = effectiveStat(state);
  const net = state.network;
  if (n < 2 || stat === 0 || stat === 4) return String(stat);
  const act = name === '+CREG' && !net.act ? '' : `,${net.act}`;
  return `${stat},${q(hex(net.lac, 4))},${q(hex(net.ci, name === '+CREG' && net.act === 0 ? 4 : 8))}${act}`;
}

/** The unsolicited form, or undefined when reporting is off (n=0) or the firmware lacks it. */
export function registrationUrc(state: ModemState, profile: ModemProfile, name: RegName): string | undefined {
  if (name === '+CEREG' && !profile.lte) return undefined;
  const n = state.settings[SETTING[name]];
  if (n === 0) return undefined;
  return `${name}: ${regFields(state, name, n)}`;
}

function reg(name: RegName): CommandHandler {
  return (ctx, cmd) => {
    if (name === '+CEREG' && !ctx.profile.lte) return error();
    const key = SETTING[name];
    if (cmd.kind === 'test') return ok([`${name}: (0-2)`]);
    if (cmd.kind === 'read') {
      const n = ctx.state.settings[key];
      return ok([`${name}: ${n},${regFields(ctx.state, name, n)}`]);
    }
    const n = cmd.kind === 'exec' ? 0 : intParam(cmd.params, 0, 0);
    if (!(n >= 0 && n <= 2)) return cme(50);
    ctx.state.settings[key] = n;
    return ok();
  };
}

const cops: CommandHandler = (ctx, cmd) => {
  const s = ctx.state.settings;
  const net = ctx.state.network;
  const names = [net.operatorLong, net.operatorShort, net.operatorNumeric] as const;
  const mode = s.vendor['cops'] ?? 0;
  if (cmd.kind === 'read') {
    if (!registered(ctx.state)) return ok([`+COPS: ${mode}`]);
    return ok([`+COPS: ${mode},${s.copsFormat},${q(names[s.copsFormat])},${net.act}`]);
  }
  if (cmd.kind === 'test') {
    if (ctx.state.settings.cfun !== 1) return cme(30);
    return ok([`+COPS: (2,${q(net.operatorLong)},${q(net.operatorShort)},${q(net.operatorNumeric)},${net.act}),,(0-4),(0-2)`]);
  }
  if (cmd.kind !== 'set') return error();
  const m = intParam(cmd.params, 0);
  const format = intParam(cmd.params, 1, s.copsFormat);
  if (!(format === 0 || format === 1 || format === 2)) return cme(50);
  const oper = cmd.params[2]?.value;
  if (m === 3) {
    s.copsFormat = format;
    return ok();
  }
  if (m === 1 || m === 4) {
    if (oper === undefined || oper !== names[format]) return m === 4 ? ok() : cme(32);
  } else if (m !== 0 && m !== 2) return cme(50);
  s.copsFormat = format;
  s.vendor['cops'] = m === 2 ? 2 : m === 4 ? 0 : m;
  return ok([], () => ctx.registrationChanged());
};

/** 27.007 §8.5: 99,99 when there is no signal to measure. */
const csq: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok(['+CSQ: (0-31,99),(0-7,99)']);
  if (cmd.kind !== 'exec') return error();
  const sig = ctx.state.signal;
  if (ctx.state.settings.cfun !== 1) return ok(['+CSQ: 99,99']);
  return ok([`+CSQ: ${sig.rssi},${sig.ber}`]);
};

/** 27.007 §8.69: only the fields of the serving technology are known; the rest are 99/255. */
const cesq: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok(['+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),(0-97,255)']);
  if (cmd.kind !== 'exec') return error();
  const { signal, network, settings } = ctx.state;
  if (settings.cfun !== 1) return ok(['+CESQ: 99,99,255,255,255,255']);
  const rxlev = signal.rssi === 99 ? 99 : Math.min(63, signal.rssi * 2);
  if (network.act === 7) return ok([`+CESQ: 99,99,255,255,${signal.rsrq},${signal.rsrp}`]);
  if (network.act === 0 || network.act === 1 || network.act === 3) return ok([`+CESQ: ${rxlev},${signal.ber},255,255,255,255`]);
  return ok([`+CESQ: 99,99,${Math.min(96, rxlev + 20)},${Math.min(49, 30)},255,255`]);
};

export const networkHandlers: HandlerTable = {
  '+CREG': reg('+CREG'),
  '+CGREG': reg('+CGREG'),
  '+CEREG': reg('+CEREG'),
  '+COPS': cops,
  '+CSQ': csq,
  '+CESQ': cesq,
};
