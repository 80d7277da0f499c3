import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import type { Logger } from '../util/log.js';
import { MmsgwError } from '../util/errors.js';
import { at, cmeeNumeric, echoOff, raw } from './commands/basic.js';
import { ccid } from './commands/ccid.js';
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
import type { UsbDevice } from './usb.js';

export interface InitOptions {
  readonly pin?: string;
  readonly profile?: ProfileId;
  /** Overrides the profile's storage preference ("ME", "SM", "MT"). */
  readonly smsStorage?: string;
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

/** V.250 §5.2: a few bare ATs until one answers (right after boot the first may be eaten). */
export async function synchronize(channel: AtChannel, attempts = 5): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      await channel.run(at);
      // The OK just taken may be stale: the answer to a command of a process that died, still
      // in flight when the port was opened. AT's own OK would then be taken by the next command
      // and every answer after it shifted by one (a +CMGR answer read for a +CMGD, deleting an
      // SMS never stored). Let the line go quiet — a final result with no command in flight is
      // dropped — and make sure an AT is answered by its own OK before anything else runs.
      await new Promise((r) => setTimeout(r, SYNC_QUIET_MS));
      await channel.run(at);
      return;
    } catch (e) {
      if (!isAtError(e, 'AT_TIMEOUT') && !isAtError(e, 'AT_ERROR')) throw e;
    }
  }
  throw new MmsgwError('MODEM_NOT_RESPONDING', `no answer to AT after ${attempts} attempts`);
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
  await synchronize(channel);
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
  await unlockSim(channel, options.pin);
  const imsi = await optional(channel, cimi);
  const iccid = await optional(channel, ccid(profile.iccidCommand));
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
