/**
 * The WSP data model shared by the WSP codec, the MMS codec and the layers above.
 *
 * Values are plain data. Where WSP allows several encodings of the same value (well-known code
 * or text, short or long integer, short or quoted length), the decoder records the form it saw
 * in an optional `form` so that re-encoding reproduces the input byte for byte; values built
 * from scratch carry no form and are encoded in canonical form.
 */

/** How a content type was encoded (WAP-230-WSP §8.4.2.24). Internal to the codec. */
export interface ContentTypeForm {
  /** Constrained-media (no value-length) vs Content-general-form. */
  readonly general: boolean;
  /** The well-known media code used, when the media type was a short-integer. */
  readonly mediaCode?: number;
  /** The media type text as written, when it differs from `mediaType` (letter case, non-UTF-8 octets). */
  readonly mediaText?: string;
  /** The length prefix used by the general form: short-length (≤30) or length-quote + uintvar. */
  readonly longLength?: boolean;
  /** The parameters as they appeared, in order, with their encoding. */
  readonly params: readonly ParamForm[];
}

/** One parameter of a content type as it appeared on the wire (WAP-230-WSP §8.4.2.4). */
export interface ParamForm {
  /** Lower-case parameter name (the key in `ContentType.params`). */
  readonly key: string;
  /** The untyped parameter's name as written, when it differs from `key` in letter case. */
  readonly name?: string;
  /** The well-known parameter code, or undefined for an Untyped-parameter (token-text name). */
  readonly code?: number;
  /** The decoded value, to tell whether the caller changed it since decoding. */
  readonly value: string;
  /** The exact value octets, re-emitted while `value` is unchanged. */
  readonly raw: Uint8Array;
}

export interface ContentType {
  /** Lower-case media type, e.g. `application/vnd.wap.multipart.related`. */
  mediaType: string;
  /** Parameters by lower-case name (`charset` holds the charset name, e.g. `utf-8`). */
  params: Record<string, string>;
  /** Encoding details recorded by the decoder. */
  form?: ContentTypeForm;
}

/**
 * A WSP header (WAP-230-WSP §8.4): a well-known field (binary code) or an application header
 * (token-text name). `value` is a readable rendering; `raw` holds the value octets exactly.
 */
export interface WspHeader {
  /** Canonical field name, e.g. `Content-Location`, `X-Wap-Application-Id`, or the application header name. */
  name: string;
  /** Well-known field code (WAP-230-WSP Table 39), absent for application headers. */
  code?: number;
  /** Readable value: text values as text, integers in decimal, other values as hex. */
  value: string;
  /** The value octets as on the wire (for re-encoding unchanged). */
  raw: Uint8Array;
}

/** A connectionless WSP push (WAP-230-WSP §8.2.4.1, WAP-251 PushMessage). */
export interface WapPush {
  /** Transaction ID octet (WAP-230-WSP §8.2.1). */
  transactionId: number;
  /** PDU type: 0x06 Push or 0x07 ConfirmedPush (WAP-230-WSP Table 34). */
  pduType: number;
  contentType: ContentType;
  /** Headers after the content type, in order. */
  headers: WspHeader[];
  /** X-Wap-Application-Id: a well-known application id number or a URN/text id (WAP-251 §6.2.2.1). */
  applicationId?: string | number;
  /** The push body: a view into the decoded buffer. */
  body: Uint8Array;
  /** What the decoder accepted that the specification does not foresee (a HeadersLen off by a few octets). */
  warnings?: string[];
}

/** One entry of a WSP multipart (WAP-230-WSP §8.5). */
export interface MultipartEntry {
  contentType: ContentType;
  /** Headers of the entry after its content type, in order. */
  headers: WspHeader[];
  /** The entry's data: a view into the decoded buffer. */
  body: Uint8Array;
}
