import type { CarrierEntry } from './types.js';

/**
 * Known carriers. Facts come from the carriers' published APN settings and from field reports
 * in MMS client projects; each entry says why it exists.
 */
export const CARRIERS: readonly CarrierEntry[] = [
  {
    // AT&T answers "412 Precondition Failed" to a retrieve with an empty User-Agent and expects
    // a UAProf (x-wap-profile). Proxy proxy.mobile.att.net:80 on APN nxtgenphone/phone; the
    // MMSC limits messages to 1 MB. Cricket (AT&T MVNO) shares the infrastructure.
    name: 'AT&T (US)',
    plmns: ['310030', '310150', '310170', '310280', '310380', '310410', '310560', '310680', '311180'],
    countryCode: '1',
    apn: 'nxtgenphone',
    mmsc: 'http://mmsc.mobile.att.net',
    proxy: 'proxy.mobile.att.net:80',
    userAgent: 'Android-Mms/2.0',
    uaProfUrl: 'http://www.google.com/oha/rdf/ua-profile-kila.xml',
    maxMessageSize: 1_048_576,
  },
  {
    // T-Mobile US: no WAP proxy (direct HTTP to the MMSC on APN fast.t-mobile.com); the MMSC
    // expects a UAProf; 1 MB limit on the MMS gateway.
    name: 'T-Mobile (US)',
    plmns: ['310160', '310200', '310210', '310220', '310230', '310240', '310250', '310260', '310270', '310310', '310490', '310660', '310800'],
    countryCode: '1',
    apn: 'fast.t-mobile.com',
    mmsc: 'http://mms.msg.eng.t-mobile.com/mms/wapenc',
    userAgent: 'Android-Mms/2.0',
    uaProfUrl: 'http://www.google.com/oha/rdf/ua-profile-kila.xml',
    maxMessageSize: 1_048_576,
  },
  {
    // Verizon: no proxy; the MMSC identifies the subscriber by the MDN in x-up-calling-line-id
    // and X-VzW-MDN ("1" + ten-digit number), and serves original media to its own client
    // User-Agent without a UAProf (transcoding otherwise). Profile header name is "Profile".
    name: 'Verizon (US)',
    plmns: ['310004', '310010', '310012', '310013', '311480', '311481', '311482', '311483', '311484', '311485', '311486', '311487', '311488', '311489'],
    countryCode: '1',
    apn: 'vzwinternet',
    mmsc: 'http://mms.vtext.com/servlets/mms',
    userAgent: 'vzmmms1.0',
    uaProfHeader: 'Profile',
    headers: { 'x-up-calling-line-id': '{msisdnDigits}', 'X-VzW-MDN': '{msisdnDigits}' },
    maxMessageSize: 1_258_291,
  },
];
