/**
 * Huawei E3372-class LTE stick (HiLink firmware switched to the modem composition). Bare
 * identity answers, 0-based indices, ME/SM/MT storage, and the ^-prefixed reporting of
 * Huawei's AT interface specification: ^RSSI on signal changes, ^MODE on technology changes,
 * ^BOOT repeated every few seconds and ^SMMEMFULL — all switched off by AT^CURC=0.
 * firmware-notes: a USB reset (AT+CFUN=1,1) makes the ttyUSB nodes vanish and return.
 */
import { intParam } from '../parser.js';
import { error, ok } from '../reply.js';
import type { CommandHandler, ModemProfile } from '../types.js';
import type { ModemState } from '../state.js';

function curcOn(state: ModemState): boolean {
  return (state.settings.vendor['curc'] ?? 1) === 1;
}

/** ^CURC: 0 stops the periodic and status URCs, 1 restores them. */
const curc: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'read') return ok([`^CURC: ${curcOn(ctx.state) ? 1 : 0}`]);
  if (cmd.kind === 'test') return ok(['^CURC: (0-1)']);
  const v = intParam(cmd.params, 0);
  if (cmd.kind !== 'set' || (v !== 0 && v !== 1)) return error();
  ctx.state.settings.vendor['curc'] = v;
  return ok();
};

/** ^MODE <sysmode>,<submode>: 3 GSM, 5 WCDMA, 7 LTE (submode 4 WCDMA, 101 LTE). */
const SYSMODE: Readonly<Record<number, readonly [number, number]>> = { 0: [3, 3], 2: [5, 4], 7: [7, 101] };

export const huawei: ModemProfile = {
  name: 'huawei',
  identity: { manufacturer: 'huawei', model: 'E3372', revision: '22.328.62.00.00', imei: '867223021234567' },
  ati: ['Manufacturer: huawei', 'Model: E3372', 'Revision: 22.328.62.00.00', 'IMEI: 867223021234567', '+GCAP: +CGSM,+DS,+ES'],
  prefixedIdentity: [],
  storage: { mems: ['SM', 'ME', 'MT'], sizes: { SM: 30, ME: 100 }, indexBase: 0, defaults: ['SM', 'SM', 'SM'] },
  cnmi: { mode: [0, 1, 2], mt: [0, 1, 2, 3], bm: [0, 2], ds: [0, 1, 2], bfr: [0, 1], defaults: [0, 0, 0, 0, 0] },
  lte: true,
  bootUrcs: ['^SYSSTART'],
  simUrcs: [],
  resetDropsUsb: true,
  bootMs: 800,
  signalUrc: (state, signal) => (curcOn(state) ? `^RSSI:${signal.rssi}` : undefined),
  modeUrc: (state, act) => {
    const m = SYSMODE[act];
    return curcOn(state) && m ? `^MODE:${m[0]},${m[1]}` : undefined;
  },
  memoryFullUrc: (mem) => `^SMMEMFULL: "${mem}"`,
  periodicUrcs: [{ everyMs: 3000, line: (state) => (curcOn(state) ? '^BOOT:20952309,0,0,0,72' : undefined) }],
  handlers: { '^CURC': curc },
  simBusyMs: 1500,
  maxContexts: 11,
  // Huawei sticks print their status lines whenever they come up, also inside a reply: an E171
  // answered AT+CMGR with ['^RSSI:3', '+CMGR: …', 'OK'] (babca/python-gsmmodem issue #47), and
  // E1752/E3372 logs show ^RSSI arriving every few seconds regardless of commands in flight
  // (gammu issues #111, #138). ^CURC=0 stops them. SMS indications follow +CNMI (held with
  // <mode> 2). firmware-notes/huawei.md.
  interleave: {
    at: ['before-text', 'between-lines', 'before-final'],
    indications: false,
    rate: 0.25,
    lines: (state) => (curcOn(state) ? [`^RSSI:${state.signal.rssi}`, '^BOOT:20952309,0,0,0,72'] : []),
    note: 'status lines (^RSSI, ^BOOT) inside replies until AT^CURC=0: babca/python-gsmmodem#47 (E171), gammu/gammu#111, #138 (E3372, E1752)',
  },
};
