import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import type { Logger } from '../util/log.js';
import { MmsgwError } from '../util/errors.js';
import { at, cmeeNumeric, echoOff, raw } from './commands/basic.js';
import { cimi } from './commands/cimi.js';
import { cmgfPdu } from './commands/cmgf.js';
import { cnmi, type CnmiSetting } from './commands/cnmi.js';
import { cnum } from './commands/cnum.js';
import { cpmsSet, cpmsSupported } from './commands/cpms.js';
import { registrationReporting } from './commands/creg.js';
import { csms } from './commands/csms.js';
import { identify, optional } from './identify.js';
import { chooseProfile, PROFILES, type ModemIdentity, type ModemProfile, type ProfileId } from './profiles/index.js';
import { CNMI_STORED } from './profiles/common.js';
import { unlockSim } from './sim.js';
import { readIccid } from './iccid.js';
import type { PinGuard } from './pin-guard.js';
import type { UsbDevice } from './usb.js';

export interface InitOptions {
  readonly pin?: string;
  readonly profile?: ProfileId;
  /** Overrides the profile's storage preference ("ME", "SM", "MT"). */
  readonly smsStorage?: string;
  /** Remembers a refused PIN so it is never entered twice (Modem passes a durable one). */
  readonly pinGuard?: PinGuard;
}

export interface InitResult {
  readonly identity: ModemIdentity;
  readonly profile: ModemProfile;
  readonly imsi?: string;
  readonly iccid?: string;
  readonly msisdn?: string;
  readonly mem1: string;
  readonly storages: readonly string[];
  readonly cnmi: CnmiSetting;
  /** +CSMS=1 accepted: direct +CMT/+CDS need +CNMA (27.005 §3.4.4). */
  readonly ackRequired: boolean;
}

/** What the session start found on the line. */
export interface SyncReport {
  /** Bytes discarded after the opening ESC (latin1): non-empty when something was pending. */
  readonly discarded: string;
  /** Whether an SMS prompt (or a command left by a dead process) was cancelled by the ESC. */
  readonly cancelledPending: boolean;
  /** Bare ATs written until one was answered by its own OK. */
  readonly attempts: number;
}

/**
 * Starts an AT session on a line in an unknown state. A process that died between
 * `AT+CMGS=<n>` and the PDU leaves the modem at its "> " prompt, where everything up to Ctrl-Z
 * is PDU text (3GPP 27.005 §3.5.1): an `AT` — even `AT+CFUN=1,1` — is swallowed, and the modem
 * looks dead. So every session opens with ESC (which cancels the prompt) and a flush of what
 * the cancel and any dead command left on the line, then a few bare ATs (V.250 §5.2; right
 * after boot the first may be eaten), each retry preceded by another ESC. A modem that still
 * does not answer is reported as MODEM_NOT_RESPONDING, which status and doctor show.
 */
export async function synchronize(channel: AtChannel, attempts = 5): Promise<SyncReport> {
  const discarded = await channel.escape();
  const cancelledPending = /OK|ERROR|>/.test(discarded);
  for (let i = 0; i < attempts; i++) {
    try {
      if (i > 0) await channel.escape({ quietMs: 100 });
      await channel.run(at);
      // The OK just taken may be stale: the answer to a command of a process that died, still
      // in flight when the port was opened. AT's own OK would then be taken by the next command
      // and every answer after it shifted by one (a +CMGR answer read for a +CMGD, deleting an
      // SMS never stored). Let the line go quiet — a final result with no command in flight is
      // dropped — and make sure an AT is answered by its own OK before anything else runs.
      await new Promise((r) => setTimeout(r, SYNC_QUIET_MS));
      await channel.run(at);
      return { discarded, cancelledPending, attempts: i + 1 };
    } catch (e) {
      if (!isAtError(e, 'AT_TIMEOUT') && !isAtError(e, 'AT_ERROR')) throw e;
    }
  }
  throw new MmsgwError('MODEM_NOT_RESPONDING', `the modem does not answer AT (${attempts} attempts, each after ESC): it is hung, in a data call, or this is not its AT port`);
}

/** Quiet time after the first answered AT of a session (see synchronize). */
const SYNC_QUIET_MS = 300;

function pickStorage(preferred: readonly string[], supported: readonly string[]): string {
  if (supported.length === 0) return preferred[0] ?? 'SM';
  return preferred.find((m) => supported.includes(m)) ?? supported[0] ?? 'SM';
}

/** +CNMI fallbacks for firmwares that refuse <ds>=2 or <ds>=1 (27.005 §3.4.1). */
async function setRouting(channel: AtChannel, wanted: CnmiSetting, log: Logger): Promise<CnmiSetting> {
  const tries: CnmiSetting[] = [wanted, { ...wanted, ds: wanted.ds === 2 ? 1 : 2 }, { ...wanted, ds: 0 }, { ...wanted, mode: 1 }];
  for (const s of tries) {
    try {
      await channel.run(cnmi(s));
      return s;
    } catch (e) {
      if (!isAtError(e) || e.code === 'AT_PORT_CLOSED') throw e;
      log.warn({ err: e }, 'modem refused +CNMI setting, trying the next');
    }
  }
  throw new MmsgwError('MODEM_SMS_ROUTING', 'the modem accepted no +CNMI setting; incoming SMS would not be indicated');
}

/**
 * The init sequence: synchronise, echo off, numeric errors, identify and pick the profile,
 * the profile's own lines (hook initExtra), SIM, PDU mode, +CSMS, storage, +CNMI, registration
 * URCs with location.
 */
/**
 * Before the family is known, every family's notification prefixes are notifications: a Huawei
 * stick prints ^RSSI/^BOOT between the lines of ATI, and those must not become its identity.
 */
export function knowAllVendorUrcs(channel: AtChannel): void {
  channel.addUrcPrefixes(PROFILES.flatMap((p) => p.urcPrefixes));
}

export async function initialize(channel: AtChannel, options: InitOptions, log: Logger, usb?: UsbDevice): Promise<InitResult> {
  knowAllVendorUrcs(channel);
  const sync = await synchronize(channel);
  if (sync.cancelledPending) log.warn({ discarded: sync.discarded.replace(/[\x00-\x1f]/g, ' ').trim() }, 'the modem had a command or an SMS prompt pending from an earlier session; cancelled it with ESC');
  await channel.run(echoOff);
  await optional(channel, cmeeNumeric);
  const identity = await identify(channel, usb);
  const profile = chooseProfile(identity, options.profile);
  log.info({ manufacturer: identity.manufacturer, model: identity.model, profile: profile.id }, 'modem identified');
  for (const line of profile.initCommands) {
    try {
      await channel.run(raw(line));
    } catch (e) {
      if (!isAtError(e) || e.code === 'AT_PORT_CLOSED') throw e;
      log.warn({ err: e, line }, 'profile init command refused');
    }
  }
  // EF_ICCID is readable without the PIN on most cards; it keys the refused-PIN memory.
  let iccid = await readIccid(channel, profile.iccidCommand).catch(() => undefined);
  await unlockSim(channel, options.pin, {
    ...(options.pinGuard ? { guard: options.pinGuard } : {}),
    ...(iccid ? { iccid } : {}),
    ...(profile.pinCounter ? { pinCounter: profile.pinCounter } : {}),
  });
  const imsi = await optional(channel, cimi);
  iccid ??= await readIccid(channel, profile.iccidCommand);
  const msisdn = (await optional(channel, cnum))?.[0];

  await channel.run(cmgfPdu);
  const service = await optional(channel, csms(1));
  const ackRequired = service?.mt === true;
  const supported = (await optional(channel, cpmsSupported)) ?? [];
  const mem1 = options.smsStorage ?? pickStorage(profile.smsStorage, supported);
  try {
    await channel.run(cpmsSet(mem1, mem1, mem1));
  } catch (e) {
    if (!isAtError(e) || e.code === 'AT_PORT_CLOSED') throw e;
    await channel.run(cpmsSet(mem1));
  }
  const storages = [mem1, ...['SM', 'ME', 'SR'].filter((m) => m !== mem1 && supported.includes(m))];
  // Direct routing needs +CNMA to refuse a message the handler could not take; without
  // +CSMS=1 only storage indications keep the no-loss contract.
  const wanted = profile.smsDelivery === 'direct' && ackRequired ? profile.cnmi : profile.smsDelivery === 'direct' ? CNMI_STORED : profile.cnmi;
  const routing = await setRouting(channel, wanted, log);
  for (const domain of ['CREG', 'CGREG', 'CEREG'] as const) await optional(channel, registrationReporting(domain, 2));
  return {
    identity,
    profile,
    ...(imsi === undefined ? {} : { imsi }),
    ...(iccid === undefined ? {} : { iccid }),
    ...(msisdn === undefined ? {} : { msisdn }),
    mem1,
    storages,
    cnmi: routing,
    ackRequired,
  };
}
