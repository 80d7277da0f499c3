import type { AtChannel } from '../../at/channel.js';
import type { Urc } from '../../at/urc.js';
import type { CnmiSetting } from '../commands/cnmi.js';
import type { PinCounterQuery } from '../commands/pin-counter.js';

/** What the modem says about itself (27.007 §5, V.250 ATI) plus, when known, its USB ids. */
export interface ModemIdentity {
  readonly manufacturer: string;
  readonly model: string;
  readonly revision: string;
  readonly ati: string;
  readonly imei?: string;
  /** lowercase hex, from sysfs when the port is a USB tty. */
  readonly usbVendorId?: string;
  readonly usbProductId?: string;
}

/** Signal figures in dBm/dB, whichever the modem gives. */
export interface Signal {
  readonly rssiDbm?: number;
  readonly csq?: number;
  readonly rsrpDbm?: number;
  readonly rsrqDb?: number;
  readonly sinrDb?: number;
  readonly rscpDbm?: number;
  readonly ecnoDb?: number;
}

/** What a vendor notification means to the modem layer. */
export type ProfileEvent =
  | { readonly type: 'signal'; readonly signal: Signal }
  | { readonly type: 'technology'; readonly technology: string }
  | { readonly type: 'sim-absent' }
  | { readonly type: 'sim-ready' }
  | { readonly type: 'reboot' }
  | { readonly type: 'sms-ready' }
  | { readonly type: 'sms-full' };

/**
 * How SMS arrive. 'stored': +CMTI/+CDSI point at storage, read with +CMGR, delete with +CMGD
 * after the handler. 'direct': +CMT/+CDS carry the PDU, acknowledged with +CNMA after the handler.
 */
export type SmsDelivery = 'stored' | 'direct';

export type ProfileId = 'generic' | 'huawei' | 'quectel' | 'simcom' | 'sierra' | 'zte';

/**
 * A vendor family: data (matching, URC prefixes, storage, +CNMI) plus small named hooks. The
 * generic modem code calls the hooks and never asks which vendor it talks to.
 */
export interface ModemProfile {
  readonly id: ProfileId;
  readonly name: string;
  /** USB vendor ids (lowercase hex) of the family. */
  readonly usbVendorIds: readonly string[];
  /** Tested against +CGMI, then ATI. */
  readonly manufacturerPattern: RegExp | undefined;
  /** Vendor notification prefixes, added to the channel's URC table. */
  readonly urcPrefixes: readonly string[];
  /** Preferred SMS storage, first supported wins (27.005 §3.2.2). */
  readonly smsStorage: readonly string[];
  readonly smsDelivery: SmsDelivery;
  /** 27.005 §3.4.1 setting that matches `smsDelivery`. */
  readonly cnmi: CnmiSetting;
  /** The vendor's command that reads the ICCID (AT+CCID and AT+CRSM EF_ICCID are the fallbacks). */
  readonly iccidCommand: string;
  /** The vendor's SIM PIN attempt counter, tried before 27.007 AT+CPINR. */
  readonly pinCounter?: PinCounterQuery;
  /** Lines sent once after identification; an error is logged, not fatal (hook id: initExtra). */
  readonly initCommands: readonly string[];
  /**
   * Restarts the modem's firmware (hook id: softReset). `timeoutMs` bounds the wait for the OK
   * that precedes the restart; silence then means the modem is hung and the ladder moves on.
   */
  softReset(channel: AtChannel, timeoutMs?: number): Promise<void>;
  /** Reads the signal (hook id: signalQuery). */
  signalQuery(channel: AtChannel): Promise<Signal>;
  /** Interprets a notification (hook id: classifyUrc); undefined when it means nothing to us. */
  classifyUrc(urc: Urc): ProfileEvent | undefined;
}
