/**
 * Structural limits of the decoders. Lengths are bounded by the input itself; these bound the
 * number of objects one decode creates, so that a crafted 1 MB PDU of thousands of tiny headers
 * or parts is refused (CODEC_LIMIT) in milliseconds instead of costing seconds of allocation and
 * garbage collection. Real PDUs stay far below: a few dozen MMS header fields, a handful of
 * headers per part, a few dozen parts. A refused PDU keeps its raw bytes upstream (quarantine).
 */
/** Header fields of one MMS PDU. */
export const MAX_HEADERS = 1000;
/** Headers of one multipart entry or one push. */
export const MAX_ENTRY_HEADERS = 64;
/** Entries of one multipart body. */
export const MAX_PARTS = 256;
