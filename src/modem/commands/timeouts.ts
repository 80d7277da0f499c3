/**
 * Command timeouts in one place (milliseconds). Quick local queries answer in well under a
 * second; the ones that touch the SIM or the network get what vendor manuals give as their
 * maximum response time (e.g. Quectel EC25 AT manual: +CMGS 120 s, +COPS 180 s, +CFUN 15 s).
 */
export const TIMEOUTS = {
  local: 3_000,
  identity: 5_000,
  sim: 10_000,
  network: 15_000,
  cfun: 30_000,
  smsRead: 10_000,
  smsList: 60_000,
  smsDelete: 10_000,
  smsSend: 120_000,
  cnma: 10_000,
} as const;
