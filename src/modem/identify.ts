import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import type { AtCommand } from '../at/command.js';
import { ati, cgmi, cgmm, cgmr } from './commands/identity.js';
import { cgsn } from './commands/cgsn.js';
import type { ModemIdentity } from './profiles/types.js';
import type { UsbDevice } from './usb.js';

/** Runs a query whose failure (ERROR, +CME ERROR) only means "not known". */
export async function optional<T>(channel: AtChannel, command: AtCommand<T>): Promise<T | undefined> {
  try {
    return await channel.run(command);
  } catch (e) {
    if (isAtError(e) && e.code !== 'AT_PORT_CLOSED' && e.code !== 'AT_TIMEOUT') return undefined;
    throw e;
  }
}

/** ATI, +CGMI, +CGMM, +CGMR, +CGSN (27.007 §5.1–§5.4, V.250 §6.1.3), plus sysfs USB ids. */
export async function identify(channel: AtChannel, usb?: UsbDevice): Promise<ModemIdentity> {
  const info = (await optional(channel, ati)) ?? '';
  const manufacturer = (await optional(channel, cgmi)) ?? '';
  const model = (await optional(channel, cgmm)) ?? '';
  const revision = (await optional(channel, cgmr)) ?? '';
  const imei = await optional(channel, cgsn);
  return {
    manufacturer,
    model,
    revision,
    ati: info,
    ...(imei === undefined ? {} : { imei }),
    ...(usb ? { usbVendorId: usb.vendorId, usbProductId: usb.productId } : {}),
  };
}
