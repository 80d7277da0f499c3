import Fastify, { type FastifyInstance } from 'fastify';
import type { Gateway } from '../app/gateway.js';
import { mergeEndpoints } from './endpoints.js';
import { SAMPLE_JPEG } from './media.js';
import type { DemoVasp, MmsAtMmsc, VaspReceivedSummary } from './network.js';

/** The box's MM7 endpoint in the demo, and the demo VASP's credentials (also in endpoints.json). */
export interface DemoMm7 {
  readonly url: string;
  readonly vaspId: string;
  readonly user: string;
  readonly password: string;
  close(): Promise<void>;
}

/**
 * The box's MM7 endpoint for the demo, listed in `<state-dir>/endpoints.json` as
 * `"mm7": {url, vaspId, user, password}`: the gateway's own `/mm7` on its web listener when that
 * serves MM7 (an unauthenticated probe gets the MM7 401), otherwise the gateway's MM7 plugin on
 * a loopback listener of the demo's own.
 */
export async function startDemoMm7(gateway: Gateway, stateDir: string, vasp: DemoVasp, account: { vaspId: string; user: string; password: string }): Promise<DemoMm7> {
  const wiring = gateway.mm7;
  if (!wiring) throw new Error('the demo configuration enables mm7');
  let url: string | undefined;
  const webUrl = (gateway as { webUrl?: string }).webUrl;
  if (webUrl !== undefined) {
    const probe = await fetch(`${webUrl}/mm7`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '' }).catch(() => undefined);
    if (probe?.status === 401 && (probe.headers.get('www-authenticate') ?? '').includes('MM7')) url = `${webUrl}/mm7`;
    await probe?.body?.cancel().catch(() => undefined);
  }
  let own: FastifyInstance | undefined;
  if (url === undefined) {
    own = Fastify({ logger: false });
    await own.register(wiring.webPlugin.plugin, { prefix: wiring.webPlugin.prefix });
    url = `${await own.listen({ host: '127.0.0.1', port: 0 })}/mm7`;
  }
  await vasp.useBox(url);
  mergeEndpoints(stateDir, { mm7: { url, ...account } });
  return { url, ...account, close: async () => void (await own?.close()) };
}

export interface Mm7Progress {
  /** SubmitReq answered with status 1000. */
  submitted: number;
  /** Of those, MMS the MMSC simulator received. */
  delivered: number;
  /** DeliveryReportReq that reached the demo VASP, one per submitted message. */
  reports: number;
  /** Handset messages of the run that reached the demo VASP as DeliverReq. */
  incoming: number;
  /** Reports or DeliverReq the VASP accepted more than once for the same event. */
  duplicates: number;
}

const SUBMIT_MARKER = /\[demo-mm7-\d+\]/;
const INCOMING_MARKER = /\[demo-(?:mms|sms)-\d+\]/;

/** The demo VASP submits `n` MMS with a JPEG each, asking for delivery reports. */
export async function submitMm7(vasp: DemoVasp, n: number): Promise<{ messageIds: Set<string>; refused: string[] }> {
  const messageIds = new Set<string>();
  const refused: string[] = [];
  for (let i = 0; i < n; i++) {
    const marker = `[demo-mm7-${i}]`;
    const answer = await vasp.submit({
      to: [`+1555060${String(i % 10000).padStart(4, '0')}`],
      subject: `${marker} offer`,
      parts: [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(`${marker} Your picture`), name: 'text.txt' }, { contentType: 'image/jpeg', body: SAMPLE_JPEG, name: 'offer.jpg' }],
      deliveryReport: true,
    });
    if (answer.code === 1000 && answer.messageId) messageIds.add(answer.messageId);
    else refused.push(`${marker}: ${answer.code} ${answer.text}`);
  }
  return { messageIds, refused };
}

/**
 * How far the MM7 traffic of a run got, counted as the MMSC's m-send-req and the VASP's
 * requests come in (each looked at once).
 */
export class Mm7Tally {
  private readonly delivered = new Set<string>();
  private readonly reports = new Set<string>();
  private readonly incoming = new Set<string>();
  private duplicates = 0;

  constructor(private readonly messageIds: ReadonlySet<string>) {}

  mms(s: MmsAtMmsc): void {
    const m = SUBMIT_MARKER.exec(s.subject ?? '')?.[0];
    if (m) this.delivered.add(m);
  }

  received(r: VaspReceivedSummary): void {
    if (r.op === 'DeliveryReportReq' && r.messageId && this.messageIds.has(r.messageId) && r.answered === 200) {
      if (this.reports.has(r.messageId)) this.duplicates++;
      this.reports.add(r.messageId);
    }
    if (r.op === 'DeliverReq' && r.answered === 200) {
      const m = INCOMING_MARKER.exec(`${r.subject ?? ''} ${r.text}`)?.[0];
      if (m && this.incoming.has(m)) this.duplicates++;
      if (m) this.incoming.add(m);
    }
  }

  progress(): Mm7Progress {
    return { submitted: this.messageIds.size, delivered: this.delivered.size, reports: this.reports.size, incoming: this.incoming.size, duplicates: this.duplicates };
  }
}
