/**
 * The simulated modem's state. `settings` is what a reset (ATZ, AT+CFUN=1,1, power loss)
 * returns to defaults; the SIM, the network, the stored messages and the PDP context
 * definitions survive a reset as they do on a real module (SIM and NV memory).
 */
import { SmsStorage } from './storage.js';
import type { MemName, ModemProfile, SignalReport } from './types.js';

export interface Settings {
  echo: boolean;
  verbose: boolean;
  quiet: boolean;
  /** 27.007 §9.1: 0 plain ERROR, 1 numeric, 2 verbose. */
  cmee: 0 | 1 | 2;
  /** 27.005 §3.2.3 +CSMS <service>: 1 means +CMT/+CDS need +CNMA. */
  csms: 0 | 1;
  /** 27.005 §3.4.1 <mode>,<mt>,<bm>,<ds>,<bfr>. */
  cnmi: [number, number, number, number, number];
  /** 27.005 §3.2.2 <mem1> read/delete, <mem2> write/send, <mem3> receive. */
  cpms: [MemName, MemName, MemName];
  creg: number;
  cgreg: number;
  cereg: number;
  /** 27.007 §7.3 +COPS <format>: 0 long, 1 short, 2 numeric. */
  copsFormat: 0 | 1 | 2;
  /** 27.007 §8.2 +CFUN: 0 minimum, 1 full, 4 radio off. */
  cfun: number;
  /** Vendor URC switches (Huawei ^CURC) and the like, by name. */
  vendor: Record<string, number>;
}

export type SimState = 'ready' | 'pin' | 'puk' | 'absent';

export interface SimCard {
  state: SimState;
  pin: string;
  puk: string;
  pinTries: number;
  pukTries: number;
  /** Whether the card asks for its PIN at power-up. */
  pinLocked: boolean;
  readonly imsi: string;
  readonly iccid: string;
  readonly msisdn: string;
  /** EF_SPN, the service provider name (3GPP 31.102 §4.2.12), when the card has one. */
  readonly spn?: string;
  /** EF_GID1 as hex (31.102 §4.2.10), when the card has one. */
  readonly gid1?: string;
  /** Service centre address (27.005 §3.3.1 +CSCA), kept on the SIM. */
  smsc: string;
  /** Until when (ms) the card is still being read after a power-up: SIM busy. */
  busyUntil: number;
}

export interface NetworkState {
  /** 27.007 §7.2 <stat>: 0 not registered, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming. */
  stat: number;
  lac: number;
  ci: number;
  /** 27.007 §7.3 <AcT>: 0 GSM, 2 UTRAN, 7 E-UTRAN, … */
  act: number;
  operatorLong: string;
  operatorShort: string;
  operatorNumeric: string;
}

export interface PdpContext {
  readonly cid: number;
  pdpType: string;
  apn: string;
  active: boolean;
  address: string;
}

export interface SentSms {
  readonly pdu: string;
  readonly tpduLength: number;
  readonly mr: number;
  readonly at: string;
}

export interface ModemState {
  settings: Settings;
  readonly sim: SimCard;
  readonly network: NetworkState;
  signal: SignalReport;
  readonly storage: SmsStorage;
  readonly contexts: Map<number, PdpContext>;
  readonly sent: SentSms[];
  /** APNs the network accepts; others are refused at activation (+CME ERROR: 533). Empty: any. */
  readonly apns: readonly string[];
  /** TP-Message-Reference of the last submit (3GPP 23.040 §9.2.3.6), 0–255. */
  mr: number;
}

export function defaultSettings(profile: ModemProfile): Settings {
  return {
    echo: true,
    verbose: true,
    quiet: false,
    cmee: 0,
    csms: 0,
    cnmi: [...profile.cnmi.defaults],
    cpms: [...profile.storage.defaults],
    creg: 0,
    cgreg: 0,
    cereg: 0,
    copsFormat: 0,
    cfun: 1,
    vendor: {},
  };
}

/** Who the simulated SIM says it is (a carrier's IMSI, ICCID and SPN, to try a setup without its SIM). */
export interface CardIdentity {
  readonly imsi?: string;
  readonly iccid?: string;
  readonly spn?: string;
  readonly gid1?: string;
  readonly msisdn?: string;
}

export function createState(profile: ModemProfile, pin: string | undefined, card: CardIdentity = {}, apns: readonly string[] = []): ModemState {
  return {
    settings: defaultSettings(profile),
    sim: {
      state: pin === undefined ? 'ready' : 'pin',
      pin: pin ?? '1234',
      puk: '12345678',
      pinTries: 3,
      pukTries: 10,
      pinLocked: pin !== undefined,
      imsi: card.imsi ?? '001010123456789',
      iccid: card.iccid ?? '89001012012345678901',
      msisdn: card.msisdn ?? '+15555550100',
      ...(card.spn !== undefined ? { spn: card.spn } : {}),
      ...(card.gid1 !== undefined ? { gid1: card.gid1 } : {}),
      smsc: '+15555550001',
      busyUntil: 0,
    },
    network: { stat: 1, lac: 0x1a2b, ci: 0x01c3d4e5, act: profile.lte ? 7 : 2, operatorLong: 'Simulated Network', operatorShort: 'SimNet', operatorNumeric: '00101' },
    signal: { rssi: 20, ber: 99, rsrq: 20, rsrp: 45 },
    storage: new SmsStorage(profile.storage.sizes, profile.storage.indexBase),
    contexts: new Map([[1, { cid: 1, pdpType: 'IP', apn: 'internet', active: false, address: '0.0.0.0' }]]),
    sent: [],
    apns,
    mr: 0,
  };
}

/** What a reset does: settings to defaults, contexts down, a locked SIM asks for its PIN again. */
export function resetState(state: ModemState, profile: ModemProfile): void {
  state.settings = defaultSettings(profile);
  for (const ctx of state.contexts.values()) {
    ctx.active = false;
    ctx.address = '0.0.0.0';
  }
  if (state.sim.state !== 'absent' && state.sim.state !== 'puk' && state.sim.pinLocked) state.sim.state = 'pin';
}

/** The registration the modem reports: nothing without radio or an unlocked SIM. */
export function effectiveStat(state: ModemState): number {
  if (state.settings.cfun !== 1) return 0;
  if (state.sim.state !== 'ready') return 0;
  // 27.007 §7.3: +COPS=2 deregisters from the network until +COPS=0 or 1.
  if (state.settings.vendor['cops'] === 2) return 0;
  return state.network.stat;
}

export function registered(state: ModemState): boolean {
  const s = effectiveStat(state);
  return s === 1 || s === 5;
}
