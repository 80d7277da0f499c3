/**
 * The two commands that take a PDU after a prompt: AT+CMGS (27.005 §3.5.1) sends an
 * SMS-SUBMIT, AT+CNMA (§3.4.4) acknowledges a routed +CMT/+CDS. After the command line the
 * modem writes '\r\n> ' (no line end after it) and reads hex until Ctrl-Z, or ESC to cancel.
 */
import { intParam } from '../parser.js';
import { pduBytes, tpduLength } from '../pdu.js';
import { cms, error, ok, simCmsError } from '../reply.js';
import { registered } from '../state.js';
import type { CommandHandler, HandlerTable, Reply } from '../types.js';

export const PROMPT = '\r\n> ';

/** How many submissions `sent()` remembers; a long-running simulator must not grow without end. */
const MAX_SENT_RECORDS = 10_000;

/** 3GPP 23.040 §9.2.3.1: TP-MTI 01 is SMS-SUBMIT. */
function isSubmit(bytes: Buffer): boolean {
  const fo = bytes[1 + (bytes[0] ?? 0)];
  return fo !== undefined && (fo & 0x03) === 0x01;
}

const cmgs: CommandHandler = async (ctx, cmd): Promise<Reply> => {
  if (cmd.kind === 'test') return ok();
  if (cmd.kind !== 'set') return error();
  const simErr = simCmsError(ctx.state);
  if (simErr !== undefined) return cms(simErr);
  const length = intParam(cmd.params, 0);
  // 23.040 §9.2.3.16: an SMS-SUBMIT TPDU is at most 164 octets (7 header + 140 user data + addresses).
  if (!(length >= 7 && length <= 164)) return cms(304);
  ctx.writeRaw(PROMPT);
  const body = await ctx.readUntilCtrlZ();
  if (body.cancelled) return ok();
  const injected = ctx.takeFailure();
  if (injected !== undefined) return { lines: [], final: injected };
  const pdu = body.text.trim().toUpperCase();
  const bytes = pduBytes(pdu);
  if (bytes === undefined || tpduLength(pdu) !== length || !isSubmit(bytes)) return cms(304);
  if (!registered(ctx.state)) return cms(331);
  ctx.emit('submitting', { pdu, tpduLength: length });
  // The network's round trip. A reset or unplug meanwhile (ctx.schedule's timers die with the
  // power) loses the submission: it never reaches `sent`, and the command never answers.
  await new Promise<void>((resolve) => ctx.schedule(ctx.network.timers.submitMs, resolve));
  ctx.state.mr = (ctx.state.mr + 1) & 0xff;
  const record = { pdu, tpduLength: length, mr: ctx.state.mr, at: new Date().toISOString() };
  ctx.state.sent.push(record);
  if (ctx.state.sent.length > MAX_SENT_RECORDS) ctx.state.sent.shift();
  ctx.emit('sent', record);
  return ok([`+CMGS: ${record.mr}`]);
};

const cnma: CommandHandler = async (ctx, cmd): Promise<Reply> => {
  if (cmd.kind === 'test') return ok(['+CNMA: (0-2)']);
  if (cmd.kind === 'read') return error();
  // 27.005 §3.4.4: only with +CSMS=1, and only while a +CMT/+CDS waits for it (error 340).
  if (ctx.state.settings.csms !== 1 || !ctx.network.expectingAck()) return cms(340);
  const n = cmd.kind === 'exec' ? 0 : intParam(cmd.params, 0, 0);
  const length = intParam(cmd.params, 1, 0);
  if (!(n >= 0 && n <= 2) || Number.isNaN(length)) return cms(304);
  if (length > 0) {
    ctx.writeRaw(PROMPT);
    const body = await ctx.readUntilCtrlZ();
    if (body.cancelled) return ok();
  }
  const injected = ctx.takeFailure();
  if (injected !== undefined) return { lines: [], final: injected };
  return ctx.network.acknowledge(n) ? ok() : cms(340);
};

/**
 * AT+CMGW=<length>[,<stat>] (27.005 §3.5.3): writes a PDU to <mem2> and answers its index;
 * a full memory is +CMS ERROR: 322 (§3.2.5 "memory full"), told before the prompt as real
 * firmwares do, so no PDU is taken.
 */
const cmgw: CommandHandler = async (ctx, cmd): Promise<Reply> => {
  if (cmd.kind === 'test') return ok();
  if (cmd.kind !== 'set') return error();
  const simErr = simCmsError(ctx.state);
  if (simErr !== undefined) return cms(simErr);
  const length = intParam(cmd.params, 0);
  const stat = intParam(cmd.params, 1, 2);
  if (!(length >= 7 && length <= 164) || ![0, 1, 2, 3].includes(stat)) return cms(304);
  const mem = ctx.state.settings.cpms[1];
  if (ctx.state.storage.used(mem) >= ctx.state.storage.total(mem)) return cms(322);
  ctx.writeRaw(PROMPT);
  const body = await ctx.readUntilCtrlZ();
  if (body.cancelled) return ok();
  const pdu = body.text.trim().toUpperCase();
  if (pduBytes(pdu) === undefined || tpduLength(pdu) !== length) return cms(304);
  const index = ctx.state.storage.put(mem, { stat: stat as 0 | 1 | 2 | 3, pdu, statusReport: false });
  if (index === undefined) return cms(322);
  return ok([`+CMGW: ${index}`]);
};

export const sendHandlers: HandlerTable = {
  '+CMGS': cmgs,
  '+CMGW': cmgw,
  '+CNMA': cnma,
};
