/**
 * The demo VASP's control channel: JSON lines over a unix socket (the protocol of the modem
 * simulator's, src/sim/modem/control.ts), at a fixed path such as `<state-dir>/sim/vasp.sock`.
 *
 * Methods: `status` → `{url, boxUrl, received}`; `useBox {url}`; `submit {to, subject?, parts:
 * [{contentType, base64, name?, charset?}], deliveryReport?}` → `{httpStatus, code, text,
 * messageId}` (a SubmitReq to the box, 3GPP TS 23.140 §8.1.4.1); `received {since?}` → what the
 * box sent the VASP (DeliverReq, DeliveryReportReq, ReadReplyReq) from the `since`-th on, without
 * bodies.
 */
import { ControlServer } from '../modem/control.js';
import type { SubmitPart, VaspReceived, VaspSim } from './index.js';

/** A request the box sent to the VASP, without its bodies. */
export interface VaspReceivedSummary {
  readonly op: string;
  readonly messageId: string | undefined;
  readonly mmStatus: string | undefined;
  readonly sender: string | undefined;
  readonly recipients: readonly string[];
  readonly subject: string | undefined;
  /** The text/plain parts, decoded as UTF-8. */
  readonly text: string;
  readonly answered: number;
  readonly at: number;
}

export function summariseReceived(r: VaspReceived): VaspReceivedSummary {
  return {
    op: r.op,
    messageId: r.messageId,
    mmStatus: r.mmStatus,
    sender: r.sender,
    recipients: r.recipients,
    subject: r.subject,
    text: r.content.filter((p) => p.contentType === 'text/plain').map((p) => p.body.toString('utf8')).join(' '),
    answered: r.answered,
    at: r.at,
  };
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new Error(`${name} must be a string`);
  return v;
}

export async function listenVaspControl(vasp: VaspSim, path: string): Promise<{ readonly path: string; close(): Promise<void> }> {
  let boxUrl: string | undefined;
  const server = await ControlServer.listen(path, {
    status: () => ({ url: vasp.url, boxUrl, received: vasp.received.length }),
    useBox: (params) => {
      boxUrl = str((params as { url?: unknown }).url, 'url');
      vasp.useBox(boxUrl);
      return { ok: true };
    },
    submit: async (params) => {
      const p = params as { to?: unknown; subject?: unknown; parts?: unknown; deliveryReport?: unknown };
      if (!Array.isArray(p.to) || p.to.length === 0) throw new Error('to must be a non-empty array of numbers');
      if (!Array.isArray(p.parts)) throw new Error('parts must be an array');
      const parts: SubmitPart[] = (p.parts as Record<string, unknown>[]).map((x, i) => ({
        contentType: str(x['contentType'], `parts[${i}].contentType`),
        body: Buffer.from(str(x['base64'], `parts[${i}].base64`), 'base64'),
        ...(typeof x['name'] === 'string' ? { name: x['name'] } : {}),
        ...(typeof x['charset'] === 'string' ? { charset: x['charset'] } : {}),
      }));
      const answer = await vasp.submit({
        to: p.to.map((t, i) => str(t, `to[${i}]`)),
        ...(typeof p.subject === 'string' ? { subject: p.subject } : {}),
        parts,
        deliveryReport: p.deliveryReport === true,
      });
      return { httpStatus: answer.httpStatus, code: answer.status.code, text: answer.status.details ?? answer.status.text ?? '', messageId: answer.messageId };
    },
    received: (params) => {
      const since = (params as { since?: unknown }).since;
      return vasp.received.slice(typeof since === 'number' && since > 0 ? since : 0).map(summariseReceived);
    },
  });
  return { path, close: () => server.close() };
}
