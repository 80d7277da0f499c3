/**
 * The control methods of a running simulator, each checking its parameters. A method that
 * changes what the modem does answers once the change is in effect, so a test may act on the
 * serial line as soon as its request resolves.
 */
import { MmsgwError } from '../../util/errors.js';
import type { ControlMethods } from './control.js';
import type { ModemSim } from './sim.js';
import type { SimUsbState } from './usb-tree.js';
import type { FinalResult } from './types.js';
import { INTERLEAVE_POSITIONS, type InterleaveAt, type InterleaveSettings } from './interleave.js';

/** What the server side offers besides the modem itself: the line and the process. */
export interface LineControl {
  path(): string;
  /** The simulated USB device (nodes, by-id link, sysfs), when there is one. */
  usb(): SimUsbState | undefined;
  unplug(ms: number): Promise<{ path: string }>;
  stop(): Promise<void>;
}

type Params = Record<string, unknown>;

function bad(message: string): MmsgwError {
  return new MmsgwError('SIM_BAD_PARAMS', message);
}

function obj(params: unknown): Params {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw bad('params must be an object');
  return params as Params;
}

function int(p: Params, key: string, min: number, max: number): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`${key}: a whole number ${min}–${max}`);
  return v;
}

function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(`${key}: a non-empty string`);
  return v;
}

function required<T>(v: T | undefined, key: string): T {
  if (v === undefined) throw bad(`${key}: required`);
  return v;
}

function hex(p: Params, key: string): string | undefined {
  const v = str(p, key);
  if (v !== undefined && !/^([0-9a-fA-F]{2})+$/.test(v)) throw bad(`${key}: hex octets`);
  return v?.toUpperCase();
}

/** `configure({ interleave: { seed?, rate?, indications?, at? } })` (see ./interleave.ts). */
function interleaveParams(p: Params): Partial<InterleaveSettings> {
  const seed = int(p, 'seed', 0, 0xffffffff);
  const rate = p['rate'];
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) throw bad('interleave.rate: a number 0–1');
  const indications = p['indications'];
  if (indications !== undefined && typeof indications !== 'boolean') throw bad('interleave.indications: true or false');
  const at = p['at'];
  if (at !== undefined && (!Array.isArray(at) || !at.every((a) => INTERLEAVE_POSITIONS.includes(a as InterleaveAt)))) throw bad(`interleave.at: a list of ${INTERLEAVE_POSITIONS.join(', ')}`);
  return {
    ...(seed === undefined ? {} : { seed }),
    ...(rate === undefined ? {} : { rate }),
    ...(indications === undefined ? {} : { indications }),
    ...(at === undefined ? {} : { at: at as InterleaveAt[] }),
  };
}

function oneOf<T extends string>(p: Params, key: string, values: readonly T[]): T | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) throw bad(`${key}: one of ${values.join(', ')}`);
  return v as T;
}

/** '+CMS ERROR: 500' (literal), 'ERROR', { cms: 500 } or { cme: 10 } (formatted per +CMEE). */
function finalOf(spec: unknown): FinalResult {
  if (spec === 'ERROR') return { kind: 'error' };
  if (typeof spec === 'string' && spec !== '') return { kind: 'text', text: spec };
  if (typeof spec === 'object' && spec !== null) {
    const p = spec as Params;
    const cms = int(p, 'cms', 0, 65535);
    if (cms !== undefined) return { kind: 'cms', code: cms };
    const cme = int(p, 'cme', 0, 65535);
    if (cme !== undefined) return { kind: 'cme', code: cme };
  }
  throw bad("error: a final result line, or { cms: n } / { cme: n }");
}

export function controlMethods(sim: ModemSim, line: LineControl): ControlMethods {
  return {
    status: () => ({
      path: line.path(),
      ...(line.usb() ? { usb: line.usb() } : {}),
      profile: sim.profile.name,
      sim: sim.state.sim.state,
      registration: { ...sim.state.network },
      signal: sim.state.signal,
      settings: sim.state.settings,
      contexts: [...sim.state.contexts.values()],
    }),
    deliverSms: (params) => {
      const p = obj(params);
      return sim.deliverSms(required(hex(p, 'pdu'), 'pdu'), int(p, 'class', 0, 3), str(p, 'during'));
    },
    deliverStatusReport: (params) => {
      const p = obj(params);
      return sim.deliverStatusReport(required(hex(p, 'pdu'), 'pdu'), str(p, 'during'));
    },
    setRegistration: (params) => {
      const p = obj(params);
      sim.setRegistration({ stat: int(p, 'stat', 0, 11), lac: int(p, 'lac', 0, 0xffff), ci: int(p, 'ci', 0, 0xfffffff), act: int(p, 'act', 0, 13) });
    },
    setSignal: (params) => {
      const p = obj(params);
      const update = { rssi: int(p, 'rssi', 0, 99), ber: int(p, 'ber', 0, 99), rsrq: int(p, 'rsrq', 0, 255), rsrp: int(p, 'rsrp', 0, 255) };
      sim.setSignal(Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)));
    },
    setSim: (params) => sim.setSim(required(oneOf(obj(params), 'state', ['ready', 'pin', 'puk', 'absent'] as const), 'state')),
    sent: () => sim.state.sent,
    storage: () => ({
      SM: sim.state.storage.list('SM'),
      ME: sim.state.storage.list('ME'),
      used: Object.fromEntries(sim.profile.storage.mems.map((m) => [m, { used: sim.state.storage.used(m), total: sim.state.storage.total(m) }])),
      network: sim.network.pending(),
    }),
    garbage: (params) => {
      const p = obj(params);
      const bytes = hex(p, 'hex');
      sim.garbage(bytes !== undefined ? Buffer.from(bytes, 'hex') : (int(p, 'bytes', 1, 65536) ?? 16));
    },
    splitNext: (params) => {
      sim.engine.splitNext += int(obj(params), 'count', 1, 100) ?? 1;
    },
    mergeNext: (params) => {
      const p = obj(params);
      sim.engine.mergeNext.push({ urc: required(str(p, 'urc'), 'urc'), position: oneOf(p, 'position', ['before', 'after'] as const) ?? 'before' });
    },
    urcInsideNextResponse: (params) => {
      sim.engine.urcInside.push(required(str(obj(params), 'urc'), 'urc'));
    },
    urc: (params) => sim.engine.urc(required(str(obj(params), 'urc'), 'urc')),
    hang: (params) => {
      const p = obj(params);
      sim.hang(p['ms'] === 'forever' ? 'forever' : required(int(p, 'ms', 0, 2 ** 31 - 1), 'ms'));
    },
    resume: () => sim.resume(),
    failNext: (params) => {
      const p = obj(params);
      const prefix = required(str(p, 'prefix'), 'prefix');
      sim.failNext(prefix, finalOf(p['error']), oneOf(p, 'stage', ['command', 'input'] as const) ?? 'command');
    },
    reboot: (params) => sim.reboot(int(obj(params), 'delayMs', 0, 600_000)),
    unplug: (params) => line.unplug(required(int(obj(params), 'ms', 0, 600_000), 'ms')),
    // A USB reset (firmware crash, the recovery ladder's rebind): the device vanishes and
    // re-enumerates after `ms` (default the profile's boot time), its ttys renumbered.
    usbReset: async (params) => {
      const was = line.usb()?.tty;
      await line.unplug(int(obj(params), 'ms', 0, 600_000) ?? sim.profile.bootMs);
      return was ? { tty: was } : {};
    },
    storageFull: (params) => sim.storageFull(hex(obj(params), 'fillWith')),
    storageFreed: () => sim.storageFreed(),
    configure: (params) => {
      const p = obj(params);
      const t = sim.network.timers;
      t.ackTimeoutMs = int(p, 'ackTimeoutMs', 1, 600_000) ?? t.ackTimeoutMs;
      t.redeliveryMs = int(p, 'redeliveryMs', 1, 600_000) ?? t.redeliveryMs;
      t.submitMs = int(p, 'submitMs', 0, 600_000) ?? t.submitMs;
      const baud = int(p, 'baudRate', 0, 4_000_000);
      if (baud !== undefined) sim.wire.setBaud(baud);
      const interleave = p['interleave'] === undefined ? undefined : interleaveParams(obj(p['interleave']));
      const il = interleave === undefined ? sim.interleaver.settings : sim.interleaver.configure(interleave);
      return { ...t, baudRate: sim.wire.baudRate, interleave: { ...il } };
    },
    stop: () => {
      // Answer first, then go: the reply must reach the client before the socket closes.
      setImmediate(() => void line.stop());
    },
  };
}
