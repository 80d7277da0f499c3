/**
 * PDUs built with the gateway's builders, shared by pdus.test.ts (encode → decode with our own
 * codec) and pdus-tshark.test.ts (the same bytes dissected by tshark, an independent decoder).
 */
import {
  buildDeliveryInd, buildNotificationInd, buildReadOrigInd, buildReadRecInd, buildRetrieveConf, buildSendConf, buildSendReq,
  parseAddress, toAddress, type MmsPdu,
} from '../../../src/codec/mms/index.js';

export const SAMPLE_DATE = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

export function base(messageType: MmsPdu['messageType']): MmsPdu {
  return { messageType, mmsVersion: '1.3', to: [], cc: [], bcc: [], previouslySentBy: [], previouslySentDate: [], attributes: [], parts: [], unknownHeaders: [] };
}

export const sendConfSample = (): MmsPdu => buildSendConf({ transactionId: 't2', responseStatus: 'error-permanent-message-format-corrupt', responseText: 'bad' });

export const notificationSample = (): MmsPdu => buildNotificationInd({
  transactionId: 'n1', contentLocation: 'http://mmsc/x?1', messageSize: 23069, expiry: 259200, from: '+33 6 12 34 56 78',
  subject: 'Hi', contentClass: 'image-basic', deliveryReport: true,
});

export const sendReqSample = (): MmsPdu => buildSendReq({
  transactionId: 's1', to: ['+33612345678', 'a@b.example'], cc: ['+33600000000'], bcc: ['c@d.example'], subject: 'Ünïcode',
  smil: '<smil/>', parts: [{ contentType: 'text/plain', body: 'héllo', contentLocation: 'text.txt' }, { contentType: 'image/jpeg', body: Uint8Array.from([0xff, 0xd8]), name: 'p.jpg', contentId: '<p>' }],
  deliveryReport: true, readReport: false, expiry: 3600, priority: 'high', messageClass: 'personal', senderVisibility: 'show',
});

export const retrieveConfSample = (): MmsPdu => buildRetrieveConf({
  transactionId: 'r1', messageId: 'm1', date: SAMPLE_DATE, from: '+491701234567', to: ['+491709999999'], subject: 'S',
  parts: [{ contentType: 'text/plain', body: 'x' }], priority: 'normal', retrieveStatus: 'ok', retrieveText: 'fine',
});

export const deliveryIndSample = (): MmsPdu => buildDeliveryInd({ messageId: 'm1', to: '+491709999999', date: SAMPLE_DATE, status: 'retrieved' });
export const readRecSample = (): MmsPdu => buildReadRecInd({ messageId: 'm1', to: '+491701234567', readStatus: 'read' });
export const readOrigSample = (): MmsPdu => buildReadOrigInd({ messageId: 'm1', to: '+491701234567', from: '+491709999999', date: SAMPLE_DATE, readStatus: 'deleted-without-being-read' });

export function forwardReqSample(): MmsPdu {
  const fwd = base('m-forward-req');
  Object.assign(fwd, {
    transactionId: 'f1', date: new Date(1e12), from: toAddress('+11'), to: [toAddress('+22')], contentLocation: 'http://m/1',
    deliveryReport: true, readReport: true, store: true, mmState: 'new', mmFlags: { op: 'add', keyword: 'work' },
    reportAllowed: false, applicId: 'app', replyApplicId: 'rapp', auxApplicInfo: 'aux', drmContent: true,
    adaptationAllowed: false, distributionIndicator: true,
  });
  return fwd;
}

export function forwardConfSample(): MmsPdu {
  const conf = base('m-forward-conf');
  Object.assign(conf, { transactionId: 'f1', responseStatus: 'ok', messageId: 'm9', contentLocation: 'http://m/2', storeStatus: 'success', storeStatusText: 'stored', stored: true });
  return conf;
}

export function cancelReqSample(): MmsPdu {
  const cancel = base('m-cancel-req');
  Object.assign(cancel, { transactionId: 'c', cancelId: 'm7' });
  return cancel;
}

/** m-retrieve-conf carrying every header field of MMS 1.3 (§7.3). */
export function everyFieldSample(): MmsPdu {
  const p = base('m-retrieve-conf');
  Object.assign(p, {
    transactionId: 'x', messageId: 'id', date: new Date(1_300_000_000_000), from: toAddress('+4412'), to: [toAddress('+4413')],
    cc: [parseAddress('10.0.0.1/TYPE=IPv4')], bcc: [parseAddress('::1/TYPE=IPv6')], subject: 'subj', messageClass: 'informational',
    priority: 'low', senderVisibility: 'hide', deliveryReport: false, readReport: true, reportAllowed: true, status: 'deferred',
    statusText: 'later', readStatus: 'read', responseStatus: 'error-transient-network-problem', responseText: 'rt',
    retrieveStatus: 'error-permanent-content-unsupported', retrieveText: 'no', messageSize: 123456,
    expiry: { kind: 'absolute', date: new Date(1_400_000_000_000) }, deliveryTime: { kind: 'relative', seconds: 60 },
    contentLocation: 'http://l', replyCharging: 'accepted-text-only', replyChargingDeadline: { kind: 'relative', seconds: 86400 },
    replyChargingId: 'rcid', replyChargingSize: 3000, previouslySentBy: [{ count: 1, address: toAddress('+1') }, { count: 2, address: toAddress('a@b.c') }],
    previouslySentDate: [{ count: 1, date: new Date(1_000_000_000_000) }, { count: 2, date: new Date(1_100_000_000_000) }],
    store: false, stored: true, mmState: 'forwarded', mmFlags: { op: 'remove', keyword: 'ключ' }, storeStatus: 'error-permanent-mmbox-full',
    storeStatusText: 'full', totals: false, quotas: false, mboxTotals: { unit: 'size', value: 5 }, mboxQuotas: { unit: 'message', value: 500 },
    messageCount: 200, start: 5, limit: 300, attributes: ['From'], distributionIndicator: false, recommendedRetrievalMode: 'manual',
    recommendedRetrievalModeText: 'please', applicId: 'a', replyApplicId: 'b', auxApplicInfo: 'c', contentClass: 'content-rich',
    drmContent: false, adaptationAllowed: true, replaceId: 'r', cancelId: 'c', cancelStatus: 'cancel-request-successfully-received',
  });
  return p;
}
