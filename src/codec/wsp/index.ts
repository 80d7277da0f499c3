/**
 * The WSP codec (WAP-230-WSP, WAP-251 push): primitives, content types, headers, multipart and
 * the connectionless push PDU. Pure and synchronous; decoders return a Result and never throw.
 */
export type * from './types.js';
export { Cursor, CodecFault } from './cursor.js';
export { Writer, encodeWith } from './writer.js';
export { guard } from './guard.js';
export { MAX_HEADERS, MAX_ENTRY_HEADERS, MAX_PARTS } from './limits.js';
export * from './primitives.js';
export { charsetName, charsetMib, decodeText, encodeText } from './charset.js';
export { readEncodedString, writeEncodedString, type EncodedString, type EncodedStringForm } from './encoded-string.js';
export { readContentType, writeContentType, readParameter, writeParameter, formatContentType } from './content-type.js';
export {
  contentTypeName,
  contentTypeCode,
  headerFieldName,
  headerFieldCode,
  applicationIdName,
  applicationIdCode,
  APP_ID_MMS,
} from './well-known.js';
export { readHeaders, readHeader, writeHeaders, writeHeader, makeHeader, readWapValue, renderValue, dispositionFilename } from './headers.js';
export { decodeMultipart, encodeMultipart, readMultipart, writeMultipart, type MultipartBody } from './multipart.js';
export { decodePush, encodePush, readPush, applicationIdOf, isMmsPush, PDU_PUSH, PDU_CONFIRMED_PUSH } from './push.js';
