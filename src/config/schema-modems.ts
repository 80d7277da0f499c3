import { z } from 'zod';
import { bool, e164, int, oneOf, show, text } from './fields.js';

/**
 * `modems:` — several modems on one box, each with its own SIM: port, profile, PIN, own
 * number, bearer and MMSC (carrier settings per SIM), limits and recovery. The single
 * `modem:` of older configurations stays valid and means a list of one (src/config/modems.ts).
 */

/** The port of a modem that names none (the udev rule's ttyUSB2 of the common Huawei sticks). */
export const DEFAULT_MODEM_PORT = '/dev/ttyUSB2';

export const MODEM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const MAX_MODEMS = 8;

const modemId = z
  .string({ error: (iss) => `expected a modem id (letters, digits, "_" or "-"), got ${show(iss.input)}` })
  .regex(MODEM_ID, { error: 'expected a modem id of 1–32 letters, digits, "_" or "-"' });

const limits = z
  .strictObject({
    /** SMS parts this modem submits per minute at most; 0: no limit. */
    smsPerMinute: int(0, 1000).default(0),
    /** false: this SIM only receives (never chosen to send). */
    send: bool().default(true),
  })
  .prefault({});

const hex4 = (what: string) =>
  z
    .string({ error: (iss) => `expected a USB ${what} of 4 hex digits like "12d1", got ${show(iss.input)}` })
    .regex(/^[0-9A-Fa-f]{4}$/, { error: `expected a USB ${what} of 4 hex digits like "12d1" (lsusb: ID vvvv:pppp)` })
    .transform((v) => v.toLowerCase());

/**
 * `modems[].usb`: a modem named by what it is rather than where it is (docs/FLEET.md "Hot-plug"):
 * the USB ids and whatever narrows them to one unit (serial, the socket it sits in) and one
 * serial interface (bInterfaceNumber of the AT port). Picked up when plugged in, released when pulled.
 */
export const usbSelector = z.strictObject({
  vendorId: hex4('vendor id'),
  productId: hex4('product id').optional(),
  /** iSerialNumber (udev ID_SERIAL_SHORT). */
  serial: text('a USB serial number').optional(),
  /** Kernel name of the USB device, its bus port path ("1-1.2"): the socket it sits in. */
  usbPath: z
    .string({ error: (iss) => `expected a USB bus path like "1-1.2", got ${show(iss.input)}` })
    .regex(/^\d+-\d+(\.\d+)*$/, { error: 'expected a USB bus path like "1-1.2" (udevadm info: the KERNELS of the usb device)' })
    .optional(),
  /** bInterfaceNumber of the AT port (udev ID_USB_INTERFACE_NUM, the "-ifNN" of its by-id link); needed when the modem has several serial ports. */
  interfaceNumber: int(0, 255).optional(),
});
export type UsbSelector = z.output<typeof usbSelector>;

/** Fields a `modems` entry has beyond those of `modem` (its bearer and mmsc are added in schema.ts). */
export const modemEntryFields = {
  /** The modem by its USB identity instead of `port`: opened when plugged in, released when pulled. */
  usb: usbSelector.nullable().default(null),
  /** Names the modem in status, logs, the store and `outbound.modems.byPrefix`; default `modem<n>`. */
  id: modemId.nullable().default(null),
  /** The SIM's own number (E.164); null: from `box.numbers[].port`, else what the SIM tells (+CNUM). */
  number: e164().nullable().default(null),
  limits,
};

/** Fills the default ids (`modem1`, `modem2`, …). */
export function withModemIds<T extends { id: string | null }>(list: readonly T[]): (T & { id: string })[] {
  return list.map((m, i) => ({ ...m, id: m.id ?? `modem${i + 1}` }));
}

export const MAX_MODEMS_LIST = MAX_MODEMS;

/** A `modems` entry names its modem by `port` or by `usb`, not both. */
export function portOrUsb(m: { readonly port?: string | undefined; readonly usb: UsbSelector | null }, ctx: z.RefinementCtx): void {
  if (m.port !== undefined && m.usb !== null) ctx.addIssue({ code: 'custom', path: ['usb'], message: 'give either port or usb, not both: usb names the modem by its identity and the port is found when it is plugged in' });
}

/** The entry's port: as given; null when `usb` names the modem; else the default. */
export function withEntryPort<T extends { readonly port?: string | undefined; readonly usb: UsbSelector | null }>(m: T): Omit<T, 'port'> & { port: string | null } {
  return { ...m, port: m.port ?? (m.usb !== null ? null : DEFAULT_MODEM_PORT) };
}

/** `outbound.modems`: how a modem is chosen for a message that names no sender number. */
export const outboundModems = z
  .strictObject({
    /** round-robin: in turn; least-queued: the one with the fewest sends in flight; first: the first usable in list order. */
    policy: oneOf(['round-robin', 'least-queued', 'first']).default('round-robin'),
    /** Destinations starting with `prefix` go through these modems (first match wins), e.g. a SIM of the destination's network. */
    byPrefix: z
      .array(
        z.strictObject({
          prefix: z.string({ error: (iss) => `expected a number prefix like "+49", got ${show(iss.input)}` }).regex(/^\+\d{1,15}$/, { error: 'expected a number prefix like "+49"' }),
          modems: z.array(modemId).min(1, { error: 'needs at least one modem id' }),
        }),
      )
      .max(50)
      .default([]),
    /** A message to a correspondent goes out from the number they last wrote to (a reply keeps the conversation on one number). */
    replyFromReceivingNumber: bool().default(true),
  })
  .prefault({});

interface ModemsView {
  readonly modem: unknown;
  readonly modems: readonly { readonly id: string; readonly port: unknown; readonly number: string | null; readonly usb: UsbSelector | null }[];
  readonly outbound: { readonly modems: { readonly byPrefix: readonly { readonly modems: readonly string[] }[] } };
}

/** Cross-field rules: unique ids, ports and numbers; `modem:` and `modems:` not both; prefix rules name known ids. */
export function modemsRefine(c: ModemsView, ctx: z.RefinementCtx, defaultModem: unknown): void {
  if (c.modems.length === 0) return;
  if (JSON.stringify(c.modem) !== JSON.stringify(defaultModem)) {
    ctx.addIssue({ code: 'custom', path: ['modem'], message: 'give either modem (one modem) or modems (a list), not both: move these settings into a modems entry' });
  }
  const seen = (key: 'id' | 'port' | 'number'): void => {
    const first = new Map<unknown, number>();
    c.modems.forEach((m, i) => {
      const v = m[key];
      if (v === null) return;
      const j = first.get(v);
      if (j !== undefined) ctx.addIssue({ code: 'custom', path: ['modems', i, key], message: `'${String(v)}' is already used by modems[${j}]` });
      else first.set(v, i);
    });
  };
  seen('id');
  seen('port');
  seen('number');
  // The first modem is the one single-modem readers follow (modem-status.json, MQTT, hooks): present from the start.
  if (c.modems[0]?.usb) ctx.addIssue({ code: 'custom', path: ['modems', 0, 'usb'], message: 'the first modem is named by port (its status is the one the box reports from the start); put a modem named by usb after it' });
  const usbSeen = new Map<string, number>();
  c.modems.forEach((m, i) => {
    if (!m.usb) return;
    const key = JSON.stringify([m.usb.vendorId, m.usb.productId, m.usb.serial, m.usb.usbPath, m.usb.interfaceNumber]);
    const j = usbSeen.get(key);
    if (j !== undefined) ctx.addIssue({ code: 'custom', path: ['modems', i, 'usb'], message: `the same USB identity as modems[${j}]: add serial or usbPath to tell them apart` });
    else usbSeen.set(key, i);
  });
  const ids = new Set(c.modems.map((m) => m.id));
  c.outbound.modems.byPrefix.forEach((r, i) =>
    r.modems.forEach((id, j) => {
      if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['outbound', 'modems', 'byPrefix', i, 'modems', j], message: `no modem with id '${id}' (modems: ${[...ids].join(', ')})` });
    }),
  );
}
