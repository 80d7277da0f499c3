import { JOB } from '../pipeline/context.js';
import type { KindLimit } from '../pipeline/worker.js';

/**
 * Jobs that hold a whole message in memory while they run, or a process: a fetched MMS read
 * and decoded (mms-retrieve), an m-send-req encoded for the MMSC (send-mms), an MM7 SOAP body
 * with the content (mm7-deliver, named by the MM7 wiring), the hooks.onReceive script's child
 * process. Together they get the six slots the worker had in all before its other jobs got
 * more (DEFAULT_CONCURRENCY), so the memory a burst of large MMS can take stays where it was.
 */
export const WHOLE_MESSAGE_SLOTS = 6;

/**
 * The job worker's bounds per kind (WorkerOptions.kindLimits):
 * - SMS sends: two per modem. Each waits on the modem's one AT channel for the SMSC's answer
 *   to +CMGS; more would only hold slots that received SMS and relays need.
 * - jobs that hold a whole message (above): WHOLE_MESSAGE_SLOTS together.
 */
export function jobLimits(modems: number, wholeMessageKinds: readonly string[] = []): KindLimit[] {
  return [
    { kinds: [JOB.sendSms], max: 2 * Math.max(1, modems) },
    { kinds: [JOB.mmsRetrieve, JOB.sendMms, JOB.hookOnReceive, ...wholeMessageKinds], max: WHOLE_MESSAGE_SLOTS },
  ];
}
