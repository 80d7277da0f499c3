/**
 * SMS PDU codec: 3GPP 23.040 TPDUs (SMS-DELIVER, SMS-SUBMIT, SMS-STATUS-REPORT), 3GPP 23.038
 * alphabets and 3GPP 27.005 PDU mode framing. Pure and synchronous; decoders return a Result.
 * See docs/SMS.md for what is delegated to node-pdu and why the rest is our own.
 */
export type * from './types.js';
export { decodeSmsPdu } from './decode.js';
export { encodeSubmit } from './submit.js';
export { encodeDeliver, encodeWapPushDeliver, encodeStatusReport } from './deliver.js';
export { reassemble } from './reassemble.js';
export { classifyDeliver, WAP_PUSH_PORT, WAP_PUSH_SECURE_PORT, WAP_PUSH_SOURCE_PORT } from './classify.js';
export { deliveryStatus } from './status.js';
export { planText, MAX_PARTS } from './segment.js';
export { SMS_ENCODE, SMS_INVALID, SMS_TRUNCATED, MAX_PDU_OCTETS } from './reader.js';
export type { TextPlan } from './segment.js';
