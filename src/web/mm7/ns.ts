/**
 * MM7 versions, namespaces and status codes (3GPP TS 23.140 §8, MM7 over SOAP 1.1).
 *
 * Two schema releases are in use in the field: REL-5-MM7-1-2 (MM7Version 5.3.0) and
 * REL-6-MM7-1-4 (MM7Version 6.8.0). The box answers in the namespace of the request.
 */

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const SCHEMA_BASE = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/';

export interface Mm7Release {
  /** Schema name, e.g. `REL-6-MM7-1-4`. */
  readonly name: 'REL-5-MM7-1-2' | 'REL-6-MM7-1-4';
  readonly ns: string;
  /** The MM7Version element value of this release. */
  readonly version: string;
  /** REL-6 added VASPID/VASID to DeliverReq and more optional elements. */
  readonly rel6: boolean;
}

export const REL5: Mm7Release = { name: 'REL-5-MM7-1-2', ns: `${SCHEMA_BASE}REL-5-MM7-1-2`, version: '5.3.0', rel6: false };
export const REL6: Mm7Release = { name: 'REL-6-MM7-1-4', ns: `${SCHEMA_BASE}REL-6-MM7-1-4`, version: '6.8.0', rel6: true };
export const RELEASES: readonly Mm7Release[] = [REL5, REL6];

export function releaseByNs(ns: string | undefined): Mm7Release | undefined {
  return RELEASES.find((r) => r.ns === ns);
}

export function releaseByName(name: string): Mm7Release | undefined {
  return RELEASES.find((r) => r.name === name);
}

/**
 * MM7 request status codes (3GPP TS 23.140 §8.7, table of StatusCode values): 1xxx success,
 * 2xxx client errors, 3xxx server errors, 4xxx general service errors.
 */
export const STATUS = {
  success: 1000,
  partialSuccess: 1100,
  clientError: 2000,
  operationRestricted: 2001,
  addressError: 2002,
  addressNotFound: 2003,
  contentRefused: 2004,
  messageIdNotFound: 2005,
  linkedIdNotFound: 2006,
  messageFormatCorrupt: 2007,
  serverError: 3000,
  notPossible: 3001,
  messageRejected: 3002,
  multipleAddressesNotSupported: 3003,
  generalServiceError: 4000,
  improperIdentification: 4001,
  unsupportedVersion: 4002,
  unsupportedOperation: 4003,
  validationError: 4004,
  serviceError: 4005,
  serviceUnavailable: 4006,
  serviceDenied: 4007,
} as const;

export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

const STATUS_TEXT: Readonly<Record<number, string>> = {
  1000: 'Success',
  1100: 'Partial success',
  2000: 'Client error',
  2001: 'Operation restricted',
  2002: 'Address Error',
  2003: 'Address Not Found',
  2004: 'Multimedia content refused',
  2005: 'Message ID Not found',
  2006: 'LinkedID not found',
  2007: 'Message format corrupt',
  3000: 'Server Error',
  3001: 'Not Possible',
  3002: 'Message rejected',
  3003: 'Multiple addresses not supported',
  4000: 'General service error',
  4001: 'Improper identification',
  4002: 'Unsupported version',
  4003: 'Unsupported operation',
  4004: 'Validation error',
  4005: 'Service error',
  4006: 'Service unavailable',
  4007: 'Service denied',
};

export function statusText(code: number): string {
  return STATUS_TEXT[code] ?? 'Error';
}

/** SOAP 1.1 §4.4.1 fault code: the sender's fault (Client) or the box's (Server). */
export function faultCodeFor(code: number): 'Client' | 'Server' {
  return (code >= 3000 && code < 4000) || code === STATUS.serviceUnavailable || code === STATUS.serviceError ? 'Server' : 'Client';
}

/** The StatusCode class is success (1xxx). */
export function isSuccess(code: number): boolean {
  return code >= 1000 && code < 2000;
}
