/** TP-ST, 3GPP 23.040 §9.2.3.15: the outcome carried by an SMS-STATUS-REPORT. */
import type { DeliveryStatus, DeliveryStatusCategory } from './types.js';

const KNOWN: Readonly<Record<number, string>> = {
  0x00: 'short message received by the SME',
  0x01: 'forwarded by the SC to the SME but the SC is unable to confirm delivery',
  0x02: 'short message replaced by the SC',
  0x20: 'congestion',
  0x21: 'SME busy',
  0x22: 'no response from SME',
  0x23: 'service rejected',
  0x24: 'quality of service not available',
  0x25: 'error in SME',
  0x40: 'remote procedure error',
  0x41: 'incompatible destination',
  0x42: 'connection rejected by SME',
  0x43: 'not obtainable',
  0x44: 'quality of service not available',
  0x45: 'no interworking available',
  0x46: 'SM validity period expired',
  0x47: 'SM deleted by originating SME',
  0x48: 'SM deleted by SC administration',
  0x49: 'SM does not exist',
  0x60: 'congestion',
  0x61: 'SME busy',
  0x62: 'no response from SME',
  0x63: 'service rejected',
  0x64: 'quality of service not available',
  0x65: 'error in SME',
};

/**
 * Meaning of a TP-ST value. Ranges per §9.2.3.15: 0x00–0x1F completed, 0x20–0x3F temporary
 * error with the SC still trying, 0x40–0x5F permanent error, 0x60–0x7F temporary error with
 * the SC no longer trying. Reserved and SC-specific values within a range take its category;
 * values with bit 7 set are reserved and read as a permanent failure (the SC is not trying).
 */
export function deliveryStatus(raw: number): DeliveryStatus {
  let category: DeliveryStatusCategory;
  if (raw < 0x20) category = 'delivered';
  else if (raw < 0x40) category = 'still-trying';
  else if (raw < 0x60) category = 'permanent-failure';
  else if (raw < 0x80) category = 'temporary-failure';
  else category = 'permanent-failure';
  const known = KNOWN[raw];
  const description = known ?? (raw >= 0x80 ? 'reserved status value' : raw & 0x10 ? 'SC-specific status value' : 'reserved status value');
  return { raw, category, description };
}
