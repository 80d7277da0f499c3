import Fastify, { type FastifyInstance } from 'fastify';
import type { Gateway } from '../app/gateway.js';
import { mergeEndpoints } from './endpoints.js';
import { SAMPLE_JPEG } from './media.js';
import type { DemoVasp, MmsAtMmsc, VaspReceivedSummary } from './network.js';
import { inFlight } from './pool.js';

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

/** When (ms since the epoch) the first and the last of each kind of MM7 event came; undefined: none yet. */
export interface Mm7Times {
  readonly lastAtMmsc: number | undefined;
  readonly firstReport: number | undefined;
  readonly lastReport: number | undefined;
  readonly lastIncoming: number | undefined;
}

const SUBMIT_MARKER = /\[demo-mm7-\d+\]/;
const INCOMING_MARKER = /\[demo-(?:mms|sms)-\d+\]/;

/** How many MM7 submissions the demo VASP has in flight at once (a VASP's few HTTP connections). */
export const MM7_IN_FLIGHT = 4;

/**
 * The demo VASP submits `n` MMS with a JPEG each, asking for delivery reports, at most
 * `MM7_IN_FLIGHT` at once. Each accepted submission's MessageID goes into `messageIds` as soon
 * as its SubmitRsp is in (a report counted before that is matched once the id is known).
 */
export async function submitMm7(vasp: DemoVasp, n: number, messageIds: Set<string> = new Set<string>()): Promise<{ messageIds: Set<string>; refused: string[] }> {
  const refused: string[] = [];
  await inFlight(n, MM7_IN_FLIGHT, async (i) => {
    const marker = `[demo-mm7-${i}]`;
    const answer = await vasp.submit({
      to: [`+1555060${String(i % 10000).padStart(4, '0')}`],
      subject: `${marker} offer`,
      parts: [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(`${marker} Your picture`), name: 'text.txt' }, { contentType: 'image/jpeg', body: SAMPLE_JPEG, name: 'offer.jpg' }],
      deliveryReport: true,
    });
    if (answer.code === 1000 && answer.messageId) messageIds.add(answer.messageId);
    else refused.push(`${marker}: ${answer.code} ${answer.text}`);
  });
  return { messageIds, refused };
}

/**
 * How far the MM7 traffic of a run got, counted as the MMSC's m-send-req and the VASP's
 * requests come in (each looked at once). Reports are kept by MessageID, so one that comes
 * before its SubmitRsp was read still counts once the id is known.
 */
export class Mm7Tally {
  private readonly delivered = new Set<string>();
  private lastAtMmsc: number | undefined;
  /** DeliveryReportReq answered 200, by MessageID: how many, first and last at. */
  private readonly reports = new Map<string, { count: number; at: number }>();
  private readonly incoming = new Set<string>();
  private lastIncoming: number | undefined;
  private incomingDuplicates = 0;

  constructor(private readonly messageIds: ReadonlySet<string>) {}

  mms(s: MmsAtMmsc): void {
    const m = SUBMIT_MARKER.exec(s.subject ?? '')?.[0];
    if (!m) return;
    this.delivered.add(m);
    const at = s.at ?? Date.now();
    this.lastAtMmsc = Math.max(this.lastAtMmsc ?? at, at);
  }

  received(r: VaspReceivedSummary): void {
    if (r.op === 'DeliveryReportReq' && r.messageId && r.answered === 200) {
      const seen = this.reports.get(r.messageId);
      if (seen) seen.count++;
      else this.reports.set(r.messageId, { count: 1, at: r.at });
    }
    if (r.op === 'DeliverReq' && r.answered === 200) {
      const m = INCOMING_MARKER.exec(`${r.subject ?? ''} ${r.text}`)?.[0];
      if (!m) return;
      if (this.incoming.has(m)) this.incomingDuplicates++;
      else {
        this.incoming.add(m);
        this.lastIncoming = Math.max(this.lastIncoming ?? r.at, r.at);
      }
    }
  }

  /** The run's own reports (those of a MessageID the box gave the demo VASP). */
  private ownReports(): { count: number; at: number }[] {
    return [...this.messageIds].flatMap((id) => this.reports.get(id) ?? []);
  }

  progress(): Mm7Progress {
    const own = this.ownReports();
    const duplicates = own.reduce((sum, r) => sum + r.count - 1, 0) + this.incomingDuplicates;
    return { submitted: this.messageIds.size, delivered: this.delivered.size, reports: own.length, incoming: this.incoming.size, duplicates };
  }

  times(): Mm7Times {
    const at = this.ownReports().map((r) => r.at);
    return {
      lastAtMmsc: this.lastAtMmsc,
      firstReport: at.length > 0 ? Math.min(...at) : undefined,
      lastReport: at.length > 0 ? Math.max(...at) : undefined,
      lastIncoming: this.lastIncoming,
    };
  }
}
