import { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import { openTransport } from '../at/transport.js';
import { errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import { echoOff, cmeeNumeric } from './commands/basic.js';
import { readIccid } from './iccid.js';
import { cimi } from './commands/cimi.js';
import { cnum } from './commands/cnum.js';
import { cpmsQuery, cpmsSupported, type StorageState } from './commands/cpms.js';
import { identify, optional } from './identify.js';
import { knowAllVendorUrcs, synchronize } from './init.js';
import { chooseProfile, type ModemIdentity, type ProfileId } from './profiles/index.js';
import { snapshot, type Snapshot } from './refresh.js';
import { pinAttemptsLeft, readSim, type SimStatus } from './sim.js';
import { findUsbDevice, type UsbDevice } from './usb.js';

/** What `mmsgw doctor` learns from a modem without changing its SMS settings or entering a PIN. */
export interface ProbeReport {
  readonly port: string;
  readonly responding: boolean;
  readonly error?: string;
  /** The modem was waiting at an SMS prompt (or on a command) left by an earlier session; ESC cancelled it. */
  readonly cancelledPending?: boolean;
  readonly usb?: UsbDevice;
  readonly identity?: ModemIdentity;
  readonly profile?: ProfileId;
  readonly sim?: SimStatus;
  /** SIM PIN attempts left (vendor counter or AT+CPINR), read when the SIM asks for its PIN. */
  readonly simPinAttemptsLeft?: number;
  readonly imsi?: string;
  readonly iccid?: string;
  readonly msisdn?: string;
  readonly network?: Snapshot;
  readonly storage?: StorageState;
  readonly storagesSupported?: readonly string[];
}

export async function probeModem(port: string, options: { baudRate?: number; profile?: ProfileId; timeoutMs?: number } = {}): Promise<ProbeReport> {
  const channel = new AtChannel({ defaultTimeoutMs: options.timeoutMs ?? 5000, wireLog: logger('wire') });
  knowAllVendorUrcs(channel);
  try {
    channel.attach(await openTransport(port, { ...(options.baudRate ? { baudRate: options.baudRate } : {}) }));
  } catch (e) {
    return { port, responding: false, error: errorMessage(e) };
  }
  try {
    const sync = await synchronize(channel, 3);
    await channel.run(echoOff);
    await optional(channel, cmeeNumeric);
    const usb = port.startsWith('tcp://') ? undefined : await findUsbDevice(port);
    const identity = await identify(channel, usb);
    const profile = chooseProfile(identity, options.profile);
    const sim = (await readSim(channel).catch((e: unknown) => (isAtError(e) ? { status: 'error' as const } : Promise.reject(e)))).status;
    const ready = sim === 'ready';
    const imsi = ready ? await optional(channel, cimi) : undefined;
    const iccid = await readIccid(channel, profile.iccidCommand);
    const simPinAttemptsLeft = sim === 'pin-required' ? await pinAttemptsLeft(channel, profile.pinCounter) : undefined;
    const msisdn = ready ? (await optional(channel, cnum))?.[0] : undefined;
    const network = await snapshot(channel, profile);
    const storage = ready ? await optional(channel, cpmsQuery) : undefined;
    const storagesSupported = ready ? await optional(channel, cpmsSupported) : undefined;
    return {
      port,
      responding: true,
      ...(sync.cancelledPending ? { cancelledPending: true } : {}),
      ...(usb ? { usb } : {}),
      identity,
      profile: profile.id,
      sim,
      ...(simPinAttemptsLeft === undefined ? {} : { simPinAttemptsLeft }),
      ...(imsi ? { imsi } : {}),
      ...(iccid ? { iccid } : {}),
      ...(msisdn ? { msisdn } : {}),
      network,
      ...(storage ? { storage } : {}),
      ...(storagesSupported ? { storagesSupported } : {}),
    };
  } catch (e) {
    return { port, responding: false, error: errorMessage(e) };
  } finally {
    await channel.close();
  }
}
