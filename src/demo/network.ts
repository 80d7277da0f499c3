/**
 * What the demo's driver, seed and `demo send` see of the simulated world, whether the
 * simulators run in this process (tests) or in the demo's simulators process (reached over
 * their control interfaces): send as a handset or a VASP, and watch what comes out — mails at
 * the sink, SMS at the modem, MMS at the MMSC, requests at the VASP. Every watch takes a cursor
 * (`since`), so a poll costs what is new, not everything seen so far.
 */
import { summarise, type MailSummary } from '../sim/mail/control.js';
import type { MailSink } from '../sim/mail/sink.js';
import type { MmscSim, SubmitInput } from '../sim/mmsc/index.js';
import { connectModemSim, type ModemSimClient } from '../sim/modem/client.js';
import { summariseReceived, type VaspReceivedSummary } from '../sim/vasp/control.js';
import type { VaspSim } from '../sim/vasp/index.js';
import { MmsgwError } from '../util/errors.js';
import { JsonLinesClient } from './jsonl.js';
import type { SimulatorEndpoints } from './simulators.js';

export type { MailSummary, VaspReceivedSummary };

/** An m-send-req the MMSC received. */
export interface MmsAtMmsc {
  readonly messageId: string;
  readonly subject: string | undefined;
  readonly to: readonly string[];
  /** When the MMSC received it (ms since the epoch). */
  readonly at?: number;
}

export interface VaspPart {
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly name?: string;
  readonly charset?: string;
}

export interface DemoVasp {
  submit(o: { to: readonly string[]; subject?: string; parts: readonly VaspPart[]; deliveryReport?: boolean }): Promise<{ code: number; text: string; messageId: string | undefined }>;
  /** Requests the box sent to the VASP, from the `since`-th on. */
  received(since: number): Promise<VaspReceivedSummary[]>;
  useBox(url: string): Promise<void>;
}

export interface DemoNetwork {
  readonly modem: ModemSimClient;
  /** A handset sends an MMS: the MMSC stores it and pushes the notification through the modem. */
  submitMms(input: SubmitInput): Promise<string>;
  /** m-send-req the MMSC received, from the `since`-th on. */
  mmsSent(since: number): Promise<MmsAtMmsc[]>;
  /** Mails the sink received with a seq above `since`. */
  mails(since: number): Promise<MailSummary[]>;
  readonly vasp: DemoVasp | undefined;
  close(): void;
}

/** The network of simulators running in this process. */
export function localNetwork(s: { readonly modemSim: ModemSimClient; readonly mmscSim: MmscSim; readonly sink: MailSink; readonly vasp?: VaspSim | undefined; readonly mailbox?: string }): DemoNetwork {
  const vasp = s.vasp;
  return {
    modem: s.modemSim,
    submitMms: (input) => s.mmscSim.submitFromHandset(input),
    mmsSent: async (since) => s.mmscSim.sent().slice(since).map((r) => ({ messageId: r.messageId, subject: r.pdu.subject, to: r.pdu.to.map((a) => a.value), at: Date.parse(r.at) })),
    // The sink numbers its mails 1, 2, … in arrival order: seq n is mails[n - 1].
    mails: async (since) => Promise.all(s.sink.mails.slice(Math.max(0, since)).map((m) => summarise(m, s.mailbox))),
    vasp: vasp && {
      async submit(o) {
        const a = await vasp.submit({ to: o.to, ...(o.subject !== undefined ? { subject: o.subject } : {}), parts: o.parts, deliveryReport: o.deliveryReport === true });
        return { code: a.status.code, text: a.status.details ?? a.status.text ?? '', messageId: a.messageId };
      },
      received: async (since) => vasp.received.slice(since).map(summariseReceived),
      useBox: async (url) => vasp.useBox(url),
    },
    close: () => undefined,
  };
}

async function mmscControl<T>(base: string, path: string, init?: { method: string; body: unknown }): Promise<T> {
  const res = await fetch(`${base}${path}`, init ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : {});
  const body = (await res.json()) as T & { error?: string };
  if (res.status !== 200) throw new MmsgwError('SIM_FAILED', `MMSC simulator ${path}: ${body.error ?? res.status}`);
  return body;
}

/** The network of a running demo's simulators, reached over their control interfaces. */
export async function remoteNetwork(endpoints: SimulatorEndpoints): Promise<DemoNetwork> {
  const modem = await connectModemSim(endpoints.modem.control);
  const mail = await JsonLinesClient.connect(endpoints.mailSink.control);
  const vaspClient = await JsonLinesClient.connect(endpoints.vasp.control);
  const control = endpoints.mmsc.control.replace(/\/_sim\/?$/, '');
  return {
    modem,
    async submitMms(input) {
      const parts = input.parts.map((p) => ('body' in p && p.body !== undefined ? { ...p, body: undefined, base64: Buffer.from(p.body).toString('base64') } : p));
      return (await mmscControl<{ transactionId: string }>(control, '/_sim/submit', { method: 'POST', body: { ...input, parts } })).transactionId;
    },
    async mmsSent(since) {
      const state = await mmscControl<{ sent: { messageId: string; subject?: string; to: string[]; at?: string }[] }>(control, `/_sim/state?since=${since}`);
      return state.sent.map((s) => ({ messageId: s.messageId, subject: s.subject, to: s.to, ...(s.at !== undefined ? { at: Date.parse(s.at) } : {}) }));
    },
    mails: (since) => mail.call<MailSummary[]>('mails', { since }),
    vasp: {
      submit: (o) =>
        vaspClient.call('submit', {
          to: o.to,
          ...(o.subject !== undefined ? { subject: o.subject } : {}),
          parts: o.parts.map((p) => ({ contentType: p.contentType, base64: Buffer.from(p.body).toString('base64'), ...(p.name !== undefined ? { name: p.name } : {}), ...(p.charset !== undefined ? { charset: p.charset } : {}) })),
          deliveryReport: o.deliveryReport === true,
        }),
      received: (since) => vaspClient.call<VaspReceivedSummary[]>('received', { since }),
      useBox: async (url) => void (await vaspClient.call('useBox', { url })),
    },
    close() {
      modem.disconnect();
      mail.close();
      vaspClient.close();
    },
  };
}
