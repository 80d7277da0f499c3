export { Modem, type ModemOptions } from './modem.js';
export type { ModemStatus, ModemState } from './status.js';
export { pduKind, type IncomingSms, type SmsHandler } from './sms-inbox.js';
export { PROFILES, chooseProfile, profileById, type ModemIdentity, type ModemProfile, type ProfileId, type Signal } from './profiles/index.js';
export { RecoveryLadder, type RecoveryOptions, type RecoveryOutcome, type RecoveryStep } from './recovery.js';
export { findUsbDevice, rebindUsb, disableAutosuspend, type UsbDevice } from './usb.js';
export { modemHealth, readModemStatus, MODEM_STATUS_FILE, type ModemHealth, type ModemStatusRecord } from './status-file.js';
export { DeviceWatcher, matchEntry, type DeviceEntry, type DeviceEvent, type DeviceWatcherOptions, type ModemDevice } from './devices.js';
export { type UsbIdentity } from './usb.js';
