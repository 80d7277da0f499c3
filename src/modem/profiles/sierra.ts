import type { AtChannel } from '../../at/channel.js';
import { isAtError } from '../../at/errors.js';
import type { AtCommand } from '../../at/command.js';
import type { ModemProfile, Signal } from './types.js';
import { CNMI_STORED, classifyCommonUrc, sendReset, standardSignal } from './common.js';

/**
 * AT!GSTATUS? (Sierra Wireless MC73xx/EM74xx AT reference) prints a status table with
 * "RSSI (dBm):", "RSRP (dBm):", "RSRQ (dB):", "SINR (dB):" among other fields, possibly two
 * per line separated by tabs.
 */
export function parseGstatus(lines: readonly string[]): Signal {
  const text = lines.join('\n');
  const num = (label: string): number | undefined => {
    const m = new RegExp(`${label.replace(/[()]/g, '\\$&')}:\\s*(-?\\d+(?:\\.\\d+)?)`).exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const rssi = num('RSSI (dBm)');
  const rsrp = num('RSRP (dBm)');
  const rsrq = num('RSRQ (dB)');
  const sinr = num('SINR (dB)');
  return {
    ...(rssi === undefined ? {} : { rssiDbm: rssi }),
    ...(rsrp === undefined ? {} : { rsrpDbm: rsrp }),
    ...(rsrq === undefined ? {} : { rsrqDb: rsrq }),
    ...(sinr === undefined ? {} : { sinrDb: sinr }),
  };
}

const gstatus: AtCommand<Signal> = { text: 'AT!GSTATUS?', timeoutMs: 5_000, parse: (r) => parseGstatus(r.lines) };

/** !GSTATUS? for LTE figures, then +CSQ; falls back to +CSQ/+CESQ alone (hook signalQuery). */
async function sierraSignal(channel: AtChannel): Promise<Signal> {
  const base = await standardSignal(channel);
  try {
    return { ...base, ...(await channel.run(gstatus)) };
  } catch (e) {
    if (isAtError(e)) return base;
    throw e;
  }
}

/**
 * Sierra Wireless MC7455/MC7430/EM7455. Privileged commands need AT!ENTERCND="A710" first
 * (quirk sierra-entercnd; the default password, changeable per unit). Reset is AT!RESET.
 */
export const sierra: ModemProfile = {
  id: 'sierra',
  name: 'Sierra Wireless',
  usbVendorIds: ['1199'],
  manufacturerPattern: /sierra/i,
  urcPrefixes: ['!PCINFO:', '+PACSP'],
  smsStorage: ['ME', 'SM'],
  smsDelivery: 'stored',
  cnmi: CNMI_STORED,
  iccidCommand: 'AT!ICCID?',
  initCommands: ['AT!ENTERCND="A710"'],
  softReset: (channel, timeoutMs) => sendReset(channel, 'AT!RESET', timeoutMs),
  signalQuery: sierraSignal,
  classifyUrc: classifyCommonUrc,
};
