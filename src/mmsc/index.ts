/**
 * MM1: the handset side of the MMS protocol toward the carrier's MMSC (OMA-TS-MMS_CTR §8).
 *
 *   Mm1Client             retrieve / notifyResp / acknowledge / send over a Bearer
 *   resolveCarrier        carrier quirks (User-Agent, UAProf, headers, limits) keyed by MCC/MNC
 *   nextAttemptAt         the retry policy (pure; the pipeline schedules)
 *   reportOf/matchReport  delivery and read reports matched to sent messages
 */
export { Mm1Client, MMS_MEDIA_TYPE, retrieveLimit } from './client.js';
export type { AttemptRecord, Mm1ClientOptions, RetrieveOptions, RetrieveResult, SendConf } from './client.js';
export { Mm1Error, httpStatusTransient, mmsStatusTransient, isTransient } from './errors.js';
export type { Mm1ErrorCode } from './errors.js';
export { nextAttemptAt, expiryInstant, DEFAULT_RETRY } from './retry.js';
export type { RetryPolicy, RetryState } from './retry.js';
export { resolveCarrier, profileHeaders, expandTemplate, retrieveUrl, plmnCandidates, DEFAULT_CARRIER, CARRIERS } from './carriers/index.js';
export type { CarrierProfile, CarrierEntry, Identity } from './carriers/index.js';
export { reportOf, matchReport, normalizeMessageId } from './reports.js';
export type { MmsReport } from './reports.js';
export { retrievalDecision } from './policy.js';
export type { RetrievalPolicy, RetrievalDecision } from './policy.js';
export { checkLocation, checkResolvedAddress, classifyAddress, defaultAllowedHosts, hostAllowed } from './url-policy.js';
export type { AddressClass, LocationRefusalCode, LocationVerdict, UrlPolicy } from './url-policy.js';
export { pushSourceAllowed } from './push-policy.js';
