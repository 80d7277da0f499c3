import { generic } from './generic.js';
import { huawei } from './huawei.js';
import { quectel } from './quectel.js';
import { sierra } from './sierra.js';
import { simcom } from './simcom.js';
import { zte } from './zte.js';
import type { ModemIdentity, ModemProfile, ProfileId } from './types.js';

export type { ModemIdentity, ModemProfile, ProfileEvent, ProfileId, Signal, SmsDelivery } from './types.js';

export const PROFILES: readonly ModemProfile[] = [huawei, quectel, simcom, sierra, zte, generic];

export function profileById(id: string): ModemProfile | undefined {
  return PROFILES.find((p) => p.id === id);
}

/**
 * Picks the family: the USB vendor id when known, else the manufacturer (+CGMI, then ATI).
 * Qualcomm's 05c6 is shared by several vendors, so the manufacturer decides ties.
 */
export function chooseProfile(identity: ModemIdentity, forced?: ProfileId): ModemProfile {
  if (forced) return profileById(forced) ?? generic;
  const byName = (text: string): ModemProfile | undefined => PROFILES.find((p) => p.manufacturerPattern?.test(text));
  const fromName = byName(identity.manufacturer) ?? byName(identity.ati);
  if (fromName) return fromName;
  const vid = identity.usbVendorId?.toLowerCase();
  if (vid) {
    const fromUsb = PROFILES.find((p) => p.usbVendorIds.includes(vid));
    if (fromUsb) return fromUsb;
  }
  return generic;
}
