/**
 * What common clients (gammu, smstools, ModemManager's probing) send at start-up, beyond the
 * SMS and network commands: the TE character set (27.007 §5.5 +CSCS), calling line
 * identification (§7.6 +CLIP), USSD (§7.15 +CUSD), the clock (§8.15 +CCLK). Vendor start-up
 * commands are in the profiles' own tables (vendorClientHandlers below).
 */
import { intParam, strParam } from '../parser.js';
import { cme, error, ok, q } from '../reply.js';
import type { CommandContext, CommandHandler, HandlerTable } from '../types.js';

/** 27.007 §5.5: the character sets this TA converts; "IRA" is the power-up default. */
export const CHARSETS = ['IRA', 'GSM', 'UCS2'] as const;

const cscs: CommandHandler = (ctx, cmd) => {
  const v = ctx.state.settings.vendor;
  if (cmd.kind === 'test') return ok([`+CSCS: (${CHARSETS.map(q).join(',')})`]);
  if (cmd.kind === 'read') return ok([`+CSCS: ${q(CHARSETS[v['cscs'] ?? 0] ?? 'IRA')}`]);
  if (cmd.kind !== 'set') return error();
  const i = CHARSETS.findIndex((c) => c === (strParam(cmd.params, 0) ?? '').toUpperCase());
  if (i < 0) return cme(4); // 27.007 §9.2.1: operation not supported
  v['cscs'] = i;
  return ok();
};

/** 27.007 §7.6: +CLIP: <n>,<m> (m = 1: CLIP provisioned). */
const clip: CommandHandler = (ctx, cmd) => {
  const v = ctx.state.settings.vendor;
  if (cmd.kind === 'test') return ok(['+CLIP: (0,1)']);
  if (cmd.kind === 'read') return ok([`+CLIP: ${v['clip'] ?? 0},1`]);
  if (cmd.kind !== 'set') return error();
  const n = intParam(cmd.params, 0, 0);
  if (n !== 0 && n !== 1) return error();
  v['clip'] = n;
  return ok();
};

/** The network's answer to a USSD string (27.007 §7.15: +CUSD: <m>,<str>,<dcs>; m 0 = no further action). */
function ussdAnswer(ctx: CommandContext, request: string): string {
  const ucs2 = ctx.state.settings.vendor['cscs'] === 2;
  const text = request === '*100#' ? 'Balance: 10.00' : `Unknown service ${request}`;
  return `+CUSD: 0,${q(ucs2 ? Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase() : text)},15`;
}

const cusd: CommandHandler = (ctx, cmd) => {
  const v = ctx.state.settings.vendor;
  if (cmd.kind === 'test') return ok(['+CUSD: (0-2)']);
  if (cmd.kind === 'read') return ok([`+CUSD: ${v['cusd'] ?? 0}`]);
  if (cmd.kind !== 'set') return error();
  const n = intParam(cmd.params, 0, 0);
  if (n < 0 || n > 2) return error();
  if (n !== 2) v['cusd'] = n;
  const str = strParam(cmd.params, 1);
  if (str === undefined || n === 2) return ok();
  if (ctx.state.sim.state !== 'ready') return cme(ctx.state.sim.state === 'absent' ? 10 : 11);
  // The answer comes later from the network, as a URC.
  return ok([], () => ctx.schedule(200, () => ctx.urc(ussdAnswer(ctx, str))));
};

/** 27.007 §8.15: "yy/MM/dd,hh:mm:ss±zz" (zz in quarter hours). The clock runs from the host's. */
function clockText(offsetMs: number): string {
  const d = new Date(Date.now() + offsetMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())},${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+00`;
}

const cclk: CommandHandler = (ctx, cmd) => {
  const v = ctx.state.settings.vendor;
  if (cmd.kind === 'test') return ok();
  if (cmd.kind === 'read') return ok([`+CCLK: ${q(clockText(v['cclkOffset'] ?? 0))}`]);
  if (cmd.kind !== 'set') return error();
  const m = /^(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d\d)?$/.exec(strParam(cmd.params, 0) ?? '');
  if (!m) return cme(50); // incorrect parameters
  const [, yy, mo, dd, hh, mi, ss, zz] = m.map(Number) as [number, number, number, number, number, number, number, number];
  const at = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss) - (Number.isNaN(zz) ? 0 : zz * 15 * 60_000);
  v['cclkOffset'] = at - Date.now();
  return ok();
};

export const clientHandlers: HandlerTable = {
  '+CSCS': cscs,
  '+CLIP': clip,
  '+CUSD': cusd,
  '+CCLK': cclk,
};

/** A vendor setting that takes one of `values` and reads back as `<name>: <v>`. */
function setting(name: string, key: string, values: readonly number[], fallback: number, test: string): CommandHandler {
  return (ctx, cmd) => {
    const v = ctx.state.settings.vendor;
    if (cmd.kind === 'test') return ok([`${name}: ${test}`]);
    if (cmd.kind === 'read') return ok([`${name}: ${v[key] ?? fallback}`]);
    if (cmd.kind !== 'set') return error();
    const n = intParam(cmd.params, 0);
    if (!values.includes(n)) return error();
    v[key] = n;
    return ok();
  };
}

export const vendorClientHandlers: Readonly<Record<string, HandlerTable>> = {
  // Huawei AT interface spec: ^PORTSEL=<n> picks the port for URCs (0 modem, 1 PCUI).
  huawei: { '^PORTSEL': setting('^PORTSEL', 'portsel', [0, 1], 0, '(0-1)') },
  // ZTE: +ZCDRUN=8 keeps the stick from switching back to its CD-ROM (E to eject, 8/9 auto-run
  // off/on); +ZOPRT=5 is "online" mode (ModemManager and usb_modeswitch docs).
  zte: {
    '+ZCDRUN': (ctx, cmd) => {
      if (cmd.kind !== 'set') return cmd.kind === 'test' ? ok() : error();
      const arg = (cmd.args ?? '').toUpperCase();
      if (!['8', '9', 'E', 'F'].includes(arg)) return error();
      ctx.state.settings.vendor['zcdrun'] = arg === '8' ? 8 : arg === '9' ? 9 : 0;
      return ok([arg === '8' ? 'Close autorun state result(0:FAIL 1:SUCCESS):1' : arg === '9' ? 'Open autorun state result(0:FAIL 1:SUCCESS):1' : 'Close download state result(0:FAIL 1:SUCCESS):1']);
    },
    '+ZOPRT': setting('+ZOPRT', 'zoprt', [5, 6], 5, '(5-6)'),
  },
};
