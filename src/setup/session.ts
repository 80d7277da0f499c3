import { AtChannel, openTransport } from '../at/index.js';
import { cmeeNumeric, echoOff } from '../modem/commands/basic.js';
import { optional } from '../modem/identify.js';
import { knowAllVendorUrcs, synchronize } from '../modem/init.js';
import { logger } from '../util/log.js';

/**
 * An AT session for setup and `doctor --mms`: synchronised, echo off, numeric +CME errors. It
 * reads and changes no SMS settings, so nothing is taken from the SIM's message store.
 */
export async function openAtSession(port: string, options: { baudRate?: number; timeoutMs?: number } = {}): Promise<AtChannel> {
  const channel = new AtChannel({ defaultTimeoutMs: options.timeoutMs ?? 5000, wireLog: logger('wire') });
  knowAllVendorUrcs(channel);
  try {
    channel.attach(await openTransport(port, { ...(options.baudRate ? { baudRate: options.baudRate } : {}) }));
    await synchronize(channel, 3);
    await channel.run(echoOff);
    await optional(channel, cmeeNumeric);
    return channel;
  } catch (e) {
    await channel.close().catch(() => undefined);
    throw e;
  }
}
