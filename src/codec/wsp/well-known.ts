/**
 * WSP well-known value tables (facts from WAP-230-WSP Appendix A and the OMNA registries).
 */

/** Content types: WAP-230-WSP Table 40 and the OMNA "WSP Content Type Codes" registry. */
const CONTENT_TYPES: readonly string[] = [
  '*/*', 'text/*', 'text/html', 'text/plain', 'text/x-hdml', 'text/x-ttml', 'text/x-vcalendar', 'text/x-vcard',
  'text/vnd.wap.wml', 'text/vnd.wap.wmlscript', 'text/vnd.wap.wta-event', 'multipart/*', 'multipart/mixed',
  'multipart/form-data', 'multipart/byteranges', 'multipart/alternative', 'application/*', 'application/java-vm',
  'application/x-www-form-urlencoded', 'application/x-hdmlc', 'application/vnd.wap.wmlc',
  'application/vnd.wap.wmlscriptc', 'application/vnd.wap.wta-eventc', 'application/vnd.wap.uaprof',
  'application/vnd.wap.wtls-ca-certificate', 'application/vnd.wap.wtls-user-certificate',
  'application/x-x509-ca-cert', 'application/x-x509-user-cert', 'image/*', 'image/gif', 'image/jpeg', 'image/tiff',
  'image/png', 'image/vnd.wap.wbmp', 'application/vnd.wap.multipart.*', 'application/vnd.wap.multipart.mixed',
  'application/vnd.wap.multipart.form-data', 'application/vnd.wap.multipart.byteranges',
  'application/vnd.wap.multipart.alternative', 'application/xml', 'text/xml', 'application/vnd.wap.wbxml',
  'application/x-x968-cross-cert', 'application/x-x968-ca-cert', 'application/x-x968-user-cert', 'text/vnd.wap.si',
  'application/vnd.wap.sic', 'text/vnd.wap.sl', 'application/vnd.wap.slc', 'text/vnd.wap.co', 'application/vnd.wap.coc',
  'application/vnd.wap.multipart.related', 'application/vnd.wap.sia', 'text/vnd.wap.connectivity-xml',
  'application/vnd.wap.connectivity-wbxml', 'application/pkcs7-mime', 'application/vnd.wap.hashed-certificate',
  'application/vnd.wap.signed-certificate', 'application/vnd.wap.cert-response', 'application/xhtml+xml',
  'application/wml+xml', 'text/css', 'application/vnd.wap.mms-message', 'application/vnd.wap.rollover-certificate',
  'application/vnd.wap.locc+wbxml', 'application/vnd.wap.loc+xml', 'application/vnd.syncml.dm+wbxml',
  'application/vnd.syncml.dm+xml', 'application/vnd.syncml.notification', 'application/vnd.wap.xhtml+xml',
  'application/vnd.wv.csp.cir', 'application/vnd.oma.dd+xml', 'application/vnd.oma.drm.message',
  'application/vnd.oma.drm.content', 'application/vnd.oma.drm.rights+xml', 'application/vnd.oma.drm.rights+wbxml',
  'application/vnd.wv.csp+xml', 'application/vnd.wv.csp+wbxml', 'application/vnd.syncml.ds.notification', 'audio/*',
  'video/*', 'application/vnd.oma.dd2+xml', 'application/mikey',
];
const CONTENT_TYPE_CODES = new Map(CONTENT_TYPES.map((t, i) => [t, i]));

export function contentTypeName(code: number): string | undefined {
  return CONTENT_TYPES[code];
}

export function contentTypeCode(mediaType: string): number | undefined {
  return CONTENT_TYPE_CODES.get(mediaType.toLowerCase());
}

/** Header field names: WAP-230-WSP Table 39 (encoding versions 1.1–1.4). */
const HEADER_FIELDS: readonly string[] = [
  'Accept', 'Accept-Charset', 'Accept-Encoding', 'Accept-Language', 'Accept-Ranges', 'Age', 'Allow', 'Authorization',
  'Cache-Control', 'Connection', 'Content-Base', 'Content-Encoding', 'Content-Language', 'Content-Length',
  'Content-Location', 'Content-MD5', 'Content-Range', 'Content-Type', 'Date', 'Etag', 'Expires', 'From', 'Host',
  'If-Modified-Since', 'If-Match', 'If-None-Match', 'If-Range', 'If-Unmodified-Since', 'Location', 'Last-Modified',
  'Max-Forwards', 'Pragma', 'Proxy-Authenticate', 'Proxy-Authorization', 'Public', 'Range', 'Referer', 'Retry-After',
  'Server', 'Transfer-Encoding', 'Upgrade', 'User-Agent', 'Vary', 'Via', 'Warning', 'WWW-Authenticate',
  'Content-Disposition', 'X-Wap-Application-Id', 'X-Wap-Content-URI', 'X-Wap-Initiator-URI', 'Accept-Application',
  'Bearer-Indication', 'Push-Flag', 'Profile', 'Profile-Diff', 'Profile-Warning', 'Expect', 'TE', 'Trailer',
  'Accept-Charset', 'Accept-Encoding', 'Cache-Control', 'Content-Range', 'X-Wap-Tod', 'Content-ID', 'Set-Cookie',
  'Cookie', 'Encoding-Version', 'Profile-Warning', 'Content-Disposition', 'X-WAP-Security', 'Cache-Control',
];

export const FIELD = {
  contentLocation: 0x0e,
  contentType: 0x11,
  contentDisposition: 0x2e,
  xWapApplicationId: 0x2f,
  contentId: 0x40,
  contentDisposition14: 0x45,
} as const;

export function headerFieldName(code: number): string | undefined {
  return HEADER_FIELDS[code];
}

/** The code of a field name (the first, i.e. oldest-encoding, code where a name has several). */
export function headerFieldCode(name: string): number | undefined {
  const n = name.toLowerCase();
  const i = HEADER_FIELDS.findIndex((f) => f.toLowerCase() === n);
  return i < 0 ? undefined : i;
}

/** Push application ids: OMNA "Push Application ID" registry (WAP-251 §6.2.2.1). */
const APP_IDS: readonly string[] = [
  'x-wap-application:*', 'x-wap-application:push.sia', 'x-wap-application:wml.ua', 'x-wap-application:wta.ua',
  'x-wap-application:mms.ua', 'x-wap-application:push.syncml', 'x-wap-application:loc.ua',
  'x-wap-application:syncml.dm', 'x-wap-application:drm.ua', 'x-wap-application:emn.ua', 'x-wap-application:wv.ua',
];

export const APP_ID_MMS = 0x04;

export function applicationIdName(code: number): string | undefined {
  return APP_IDS[code];
}

export function applicationIdCode(name: string): number | undefined {
  const i = APP_IDS.indexOf(name.toLowerCase());
  return i < 0 ? undefined : i;
}

/** How a well-known parameter's value is encoded (WAP-230-WSP Table 38). */
export type ParamKind =
  | 'q' | 'charset' | 'version' | 'integer' | 'text-string' | 'text-value' | 'field' | 'short-integer'
  | 'constrained' | 'delta' | 'no-value' | 'date';

export const PARAMS: ReadonlyArray<readonly [number, string, ParamKind]> = [
  [0x00, 'q', 'q'], [0x01, 'charset', 'charset'], [0x02, 'level', 'version'], [0x03, 'type', 'integer'],
  [0x05, 'name', 'text-string'], [0x06, 'filename', 'text-string'], [0x07, 'differences', 'field'],
  [0x08, 'padding', 'short-integer'], [0x09, 'type', 'constrained'], [0x0a, 'start', 'text-string'],
  [0x0b, 'start-info', 'text-string'], [0x0c, 'comment', 'text-string'], [0x0d, 'domain', 'text-string'],
  [0x0e, 'max-age', 'delta'], [0x0f, 'path', 'text-string'], [0x10, 'secure', 'no-value'],
  [0x11, 'sec', 'short-integer'], [0x12, 'mac', 'text-value'], [0x13, 'creation-date', 'date'],
  [0x14, 'modification-date', 'date'], [0x15, 'read-date', 'date'], [0x16, 'size', 'integer'],
  [0x17, 'name', 'text-value'], [0x18, 'filename', 'text-value'], [0x19, 'start', 'text-value'],
  [0x1a, 'start-info', 'text-value'], [0x1b, 'comment', 'text-value'], [0x1c, 'domain', 'text-value'],
  [0x1d, 'path', 'text-value'],
];
const PARAM_BY_CODE = new Map(PARAMS.map((p) => [p[0], p]));

export function paramByCode(code: number): readonly [number, string, ParamKind] | undefined {
  return PARAM_BY_CODE.get(code);
}

/**
 * The parameter code used when encoding a parameter from scratch: the WSP 1.2 codes, which
 * every MMS client reads (`charset` 0x01, `name` 0x05, `filename` 0x06, `type` 0x09, `start` 0x0A).
 */
export const CANONICAL_PARAM: Readonly<Record<string, number>> = {
  charset: 0x01, name: 0x05, filename: 0x06, type: 0x09, start: 0x0a, 'start-info': 0x0b,
};
