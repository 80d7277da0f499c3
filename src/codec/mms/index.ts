/**
 * The MMS encapsulation codec (OMA-TS-MMS_ENC 1.0–1.3): pure, synchronous, no I/O.
 *
 *   decodeMms(bytes)  → Result<MmsPdu, DecodeError>   every PDU type; part bodies are views
 *   encodeMms(pdu)    → Uint8Array                     byte-identical for a decoded, unchanged PDU
 *   build*(…)         → MmsPdu                         PDUs for the MM1 client, the simulator, compose
 *   partText(part)    → string                         a text part decoded by its charset
 *   smilPart(pdu)     → MmsPart | undefined            the SMIL start part of multipart/related
 */
export type * from './types.js';
export { decodeMms } from './decode.js';
export { encodeMms } from './encode.js';
export { parseAddress, formatAddress, toAddress, normalizeNumber } from './addresses.js';
export { partText, smilPart, startPart, isMultipart } from './parts.js';
export {
  buildNotifyRespInd,
  buildAcknowledgeInd,
  buildSendReq,
  buildRetrieveConf,
  buildNotificationInd,
  buildDeliveryInd,
  buildReadOrigInd,
  buildReadRecInd,
  buildSendConf,
  toPart,
  DEFAULT_VERSION,
  type SendReqOptions,
  type RetrieveConfOptions,
  type NotificationIndOptions,
  type PartInput,
} from './builders.js';
