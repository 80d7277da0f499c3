import type { AtCommand } from '../../at/command.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.005 §3.4.4 +CNMA: acknowledges a directly routed +CMT/+CDS when +CSMS=1. In PDU mode
 * `AT+CNMA` (or `=0`) is RP-ACK; `AT+CNMA=2` is RP-ERROR (the network keeps the message and
 * retries). Without an ack in time the ME rejects the message and turns routing off (+CNMI
 * <mt>/<ds> → 0), so the caller restores +CNMI after a failure.
 */
export const cnmaAck: AtCommand<void> = { text: 'AT+CNMA', receive: true, timeoutMs: TIMEOUTS.cnma, parse: () => undefined };
export const cnmaNack: AtCommand<void> = { text: 'AT+CNMA=2', receive: true, timeoutMs: TIMEOUTS.cnma, parse: () => undefined };
