/**
 * `mmsgw demo send sms|mms|mail`: drives a running demo from another terminal through the
 * simulators' control interfaces listed in <state-dir>/endpoints.json, waits (bounded) for the
 * result and says what happened.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { decodeSmsPdu, encodeDeliver } from '../../codec/sms/index.js';
import { demoConfigInput } from '../../config/index.js';
import { JsonLinesClient } from '../../demo/jsonl.js';
import type { MailSummary } from '../../demo/network.js';
import { demoPaths, demoStateDir } from '../../demo/paths.js';
import type { SimulatorEndpoints } from '../../demo/simulators.js';
import { connectModemSim, type SentSms } from '../../sim/modem/client.js';
import { MmsgwError, errorMessage } from '../../util/errors.js';
import { formatPhoneNumber, parsePhone } from '../../util/phone.js';

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES: Readonly<Record<string, string>> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif' };

interface Args {
  readonly stateDir: string;
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly text: string | undefined;
  readonly image: string | undefined;
}

class UsageError extends Error {}

function readEndpoints(stateDir: string): { simulators: SimulatorEndpoints & { mailIn: string } } {
  const file = demoPaths(stateDir).endpoints;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`no running demo in ${stateDir} (no ${file}): start one with \`npm start\` or \`mmsgw demo\`, or give its --state-dir`);
  }
  const sims = (parsed as { simulators?: Partial<SimulatorEndpoints> & { mailIn?: string } }).simulators;
  if (!sims?.modem?.control || !sims.mailSink?.control || !sims.mmsc?.control || !sims.mailIn) throw new Error(`${file} lists no simulators' control interfaces: is the demo in ${stateDir} still starting?`);
  return { simulators: sims as SimulatorEndpoints & { mailIn: string } };
}

function number(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`--${flag} NUMBER is required`);
  const r = parsePhone(value);
  if (!r.ok) throw new UsageError(`--${flag}: ${r.reason}`);
  return r.e164;
}

function image(file: string): { body: Buffer; contentType: string; name: string } {
  const contentType = IMAGE_TYPES[(/\.([a-z]+)$/i.exec(file)?.[1] ?? '').toLowerCase()];
  if (contentType === undefined) throw new UsageError(`--image ${file}: a .jpg, .jpeg, .png or .gif file is expected`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new Error(`--image ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`);
  }
  if (size > MAX_IMAGE_BYTES) throw new UsageError(`--image ${file}: ${size} bytes is over the ${MAX_IMAGE_BYTES}-byte limit of the demo`);
  return { body: readFileSync(file), contentType, name: basename(file) };
}

/** Resolves with the first mail `match` accepts that arrives after now, or rejects at the deadline. */
async function nextMail(mail: JsonLinesClient, match: (m: MailSummary) => boolean, timeoutMs: number, what: string): Promise<MailSummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      mail.off('mail', on);
      reject(new Error(`no ${what} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const on = (m: MailSummary): void => {
      if (!match(m)) return;
      clearTimeout(timer);
      mail.off('mail', on);
      resolve(m);
    };
    mail.on('mail', on);
  });
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

async function sendSms(a: Args, ep: SimulatorEndpoints): Promise<Record<string, unknown>> {
  const from = number(a.from, 'from');
  if (a.text === undefined) throw new UsageError('--text TEXT is required');
  const text = a.text;
  const mail = await JsonLinesClient.connect(ep.mailSink.control);
  const modem = await connectModemSim(ep.modem.control);
  try {
    const arrived = nextMail(mail, (m) => squash(m.text).includes(squash(text)), a.timeoutMs, 'mail for the SMS');
    const pdus = encodeDeliver({ from, text, reference: randomBytes(1)[0] ?? 0 });
    for (const p of pdus) await modem.deliverSms(p.hex);
    const m = await arrived;
    return { kind: 'sms', from, segments: pdus.length, mail: mailResult(a, m), line: `SMS from ${formatPhoneNumber(from)} → ${shown(a, m)}` };
  } finally {
    modem.disconnect();
    mail.close();
  }
}

async function sendMms(a: Args, ep: SimulatorEndpoints): Promise<Record<string, unknown>> {
  const from = number(a.from, 'from');
  if (a.image === undefined) throw new UsageError('--image FILE is required');
  const img = image(a.image);
  const text = a.text;
  const mail = await JsonLinesClient.connect(ep.mailSink.control);
  try {
    const arrived = nextMail(mail, (m) => (text !== undefined ? squash(m.text).includes(squash(text)) : m.attachments.some((x) => x.filename === img.name)), a.timeoutMs, 'mail for the MMS');
    const parts = [{ contentType: img.contentType, base64: img.body.toString('base64'), name: img.name }, ...(text !== undefined ? [{ contentType: 'text/plain', text, name: 'text.txt' }] : [])];
    const res = await fetch(`${ep.mmsc.control.replace(/\/?$/, '/')}submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to: demoConfigInput().box?.ownNumber ?? '+15550100001', parts }) });
    const answer = (await res.json()) as { transactionId?: string; error?: string };
    if (res.status !== 200 || answer.transactionId === undefined) throw new Error(`the MMSC simulator refused the MMS: ${answer.error ?? res.status}`);
    const m = await arrived;
    return { kind: 'mms', from, transactionId: answer.transactionId, mail: mailResult(a, m), line: `MMS from ${formatPhoneNumber(from)} (${img.name}) → ${shown(a, m)}` };
  } finally {
    mail.close();
  }
}

/** The SMS the modem sent, or the m-send-req the MMSC received, for a mail to `to`. */
async function nextOutgoing(ep: SimulatorEndpoints, to: string, timeoutMs: number): Promise<{ as: 'sms' | 'mms'; detail: Record<string, unknown> }> {
  const modem = await connectModemSim(ep.modem.control);
  const control = ep.mmsc.control.replace(/\/?$/, '/');
  const state = async (since: number): Promise<{ total: number; sent: { messageId: string; to: string[] }[] }> => (await fetch(`${control}state?since=${since}`)).json() as Promise<{ total: number; sent: { messageId: string; to: string[] }[] }>;
  let since = (await state(0)).total;
  try {
    return await new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      const finish = (v: { as: 'sms' | 'mms'; detail: Record<string, unknown> } | Error): void => {
        if (done) return;
        done = true;
        modem.off('sent', onSms);
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
      const onSms = (sms: SentSms): void => {
        const d = decodeSmsPdu(sms.pdu);
        if (d.ok && d.value.type === 'submit' && d.value.destination.number.replace(/^\+?/, '+') === to) finish({ as: 'sms', detail: { mr: sms.mr } });
      };
      modem.on('sent', onSms);
      const poll = async (): Promise<void> => {
        while (!done) {
          const s = await state(since).catch(() => undefined);
          const hit = s?.sent.find((x) => x.to.some((t) => t.replace(/\/TYPE=.*$/i, '') === to));
          if (hit) return finish({ as: 'mms', detail: { messageId: hit.messageId } });
          if (s) since += s.sent.length;
          if (Date.now() > deadline) return finish(new Error(`the mail did not leave as SMS or MMS within ${timeoutMs / 1000} s`));
          await new Promise((r) => setTimeout(r, 250));
        }
      };
      void poll();
    });
  } finally {
    modem.disconnect();
  }
}

async function sendMail(a: Args, ep: SimulatorEndpoints & { mailIn: string }): Promise<Record<string, unknown>> {
  const to = number(a.to, 'to');
  if (a.text === undefined) throw new UsageError('--text TEXT is required');
  const text = a.text;
  const img = a.image === undefined ? undefined : image(a.image);
  const messageId = `<demo-send-${randomBytes(8).toString('hex')}@mmsgw.localhost>`;
  const mail = await JsonLinesClient.connect(ep.mailSink.control);
  try {
    const started = Date.now();
    // The box tells the mail's sender about the delivery report, threaded to the mail.
    const notice = nextMail(mail, (m) => m.inReplyTo === messageId && /^(Not )?Delivered\b/.test(m.subject), a.timeoutMs, 'delivery report');
    notice.catch(() => undefined);
    const outgoing = nextOutgoing(ep, to, a.timeoutMs);
    outgoing.catch(() => undefined);
    const smtp = new URL(ep.mailIn);
    const mailer = nodemailer.createTransport({ host: smtp.hostname, port: Number(smtp.port), secure: false, ignoreTLS: true });
    try {
      await mailer.sendMail({
        from: 'demo@mmsgw.localhost',
        to: `box+${to.slice(1)}@mmsgw.localhost`,
        messageId,
        subject: 'demo send',
        text,
        ...(img ? { attachments: [{ filename: img.name, content: img.body, contentType: img.contentType }] } : {}),
      });
    } finally {
      mailer.close();
    }
    const out = await outgoing;
    const left = Math.max(1000, a.timeoutMs - (Date.now() - started));
    const report = await Promise.race([notice, new Promise<undefined>((r) => setTimeout(() => r(undefined), left).unref())]).catch(() => undefined);
    const delivered = report !== undefined && !/^Not /.test(report.subject);
    const state = report === undefined ? 'no delivery report yet' : delivered ? 'delivered' : 'not delivered';
    return {
      kind: 'mail',
      to,
      as: out.as,
      ...out.detail,
      sent: true,
      delivered,
      ...(report ? { report: mailResult(a, report) } : {}),
      line: `mail → ${out.as.toUpperCase()} to ${formatPhoneNumber(to)} sent, ${state}${report ? ` (notice ${shown(a, report)})` : ''}`,
      ok: delivered,
    };
  } finally {
    mail.close();
  }
}

function mailResult(a: Args, m: MailSummary): Record<string, unknown> {
  return { seq: m.seq, file: m.file, path: shown(a, m), subject: m.subject, to: m.envelopeTo };
}

function shown(a: Args, m: MailSummary): string {
  return m.file === undefined ? `mail #${m.seq}` : relative(a.stateDir, m.file);
}

/** `mmsgw demo send …`; resolves to the exit status. */
export async function runDemoSend(argv: string[]): Promise<number> {
  let kind: string | undefined;
  let a: Args;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        text: { type: 'string' },
        image: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    kind = positionals[0];
    if (kind === undefined || !['sms', 'mms', 'mail'].includes(kind) || positionals.length > 1) throw new UsageError(`say what to send: 'sms', 'mms' or 'mail'${kind ? `, not '${positionals.join(' ')}'` : ''}`);
    const timeoutMs = values.timeout === undefined ? 60_000 : Number(values.timeout) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a number of seconds, got '${values.timeout}'`);
    a = { stateDir: demoStateDir(values['state-dir']), timeoutMs, json: values.json === true, from: values.from, to: values.to, text: values.text, image: values.image };
  } catch (e) {
    console.error(`mmsgw demo send: ${errorMessage(e)} (see mmsgw help demo)`);
    return 2;
  }
  try {
    const ep = readEndpoints(a.stateDir).simulators;
    const r = kind === 'sms' ? await sendSms(a, ep) : kind === 'mms' ? await sendMms(a, ep) : await sendMail(a, ep);
    const { line, ok, ...result } = r;
    if (a.json) console.log(JSON.stringify(result));
    else console.log(line);
    return ok === false ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`mmsgw demo send ${kind}: ${e.message} (see mmsgw help demo)`);
      return 2;
    }
    // endpoints.json outlives the demo; its sockets do not.
    const gone = e instanceof MmsgwError && e.code === 'SIM_CONNECT_FAILED';
    const message = gone ? `the demo in ${a.stateDir} is not running (${errorMessage(e)}): start it with \`npm start\` or \`mmsgw demo\`` : errorMessage(e);
    if (a.json) console.log(JSON.stringify({ kind, error: message }));
    console.error(`mmsgw demo send ${kind}: ${message}`);
    return 1;
  }
}
