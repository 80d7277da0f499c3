import { ThreadsRepo } from '../store/index.js';
import type { Logger } from '../util/log.js';
import type { WebServices } from './services.js';

/**
 * Live updates for the pages (server-sent events): a new message, a message's state change,
 * a modem status change. Changes are read from the store itself (messages by `updated_at`,
 * indexed), so whatever wrote them — the pipeline, a CLI command in another process — shows
 * up; the store is polled only while a page is listening.
 */
export type LiveEvent =
  | { readonly type: 'message'; readonly data: { id: number; thread: number | null; direction: string; kind: string; state: string } }
  | { readonly type: 'state'; readonly data: { id: number; thread: number | null; state: string } }
  | { readonly type: 'modem'; readonly data: { state: string; registration: string; signal: number | null } };

type Listener = (e: LiveEvent) => void;

const POLL_MS = 500;
const REPAIR_MS = 6 * 3600_000;

export class LiveEvents {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private repairTimer: NodeJS.Timeout | undefined;
  private unsubscribeModem: (() => void) | undefined;
  private lastId = 0;
  private lastUpdated = 0;
  /** `id:updated_at` of changes already sent at `lastUpdated` (several can share one millisecond). */
  private seenAtLast = new Set<string>();
  readonly threads: ThreadsRepo;

  constructor(
    private readonly services: WebServices,
    private readonly log: Logger,
  ) {
    this.threads = new ThreadsRepo(services.store.db, services.box.ownNumbers);
  }

  start(): void {
    const db = this.services.store.db;
    const r = db.prepare('SELECT ifnull(max(id), 0) AS id, ifnull(max(updated_at), 0) AS at FROM messages').get() as { id: number; at: number };
    this.lastId = r.id;
    this.lastUpdated = r.at;
    this.unsubscribeModem = this.services.onModemStatus?.((s) => {
      const signal = s.signal?.rssiDbm ?? s.signal?.rsrpDbm ?? null;
      this.emit({ type: 'modem', data: { state: s.state, registration: s.registration.state, signal } });
    });
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
    // Retention pruning deletes messages under the conversation index; recount now and every few hours.
    const repair = (): void => {
      try {
        this.threads.repair();
      } catch (e) {
        this.log.warn({ err: e }, 'conversation index repair failed');
      }
    };
    repair();
    this.repairTimer = setInterval(repair, REPAIR_MS);
    this.repairTimer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.repairTimer) clearInterval(this.repairTimer);
    this.timer = undefined;
    this.unsubscribeModem?.();
    this.listeners.clear();
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get listening(): number {
    return this.listeners.size;
  }

  /** Reads what changed since the last poll and tells every listener. Public for tests. */
  poll(): void {
    if (this.listeners.size === 0) return;
    try {
      this.threads.catchUp();
      const rows = this.services.store.db
        .prepare('SELECT id, direction, kind, state, updated_at AS at FROM messages WHERE updated_at >= ? ORDER BY updated_at, id LIMIT 500')
        .all(this.lastUpdated) as { id: number; direction: string; kind: string; state: string; at: number }[];
      for (const m of rows) {
        const mark = `${m.id}:${m.at}:${m.state}`;
        if (m.at === this.lastUpdated && this.seenAtLast.has(mark)) continue;
        if (m.at > this.lastUpdated) {
          this.lastUpdated = m.at;
          this.seenAtLast = new Set();
        }
        this.seenAtLast.add(mark);
        const thread = this.threads.threadOf(m.id) ?? null;
        if (m.id > this.lastId) {
          this.lastId = m.id;
          this.emit({ type: 'message', data: { id: m.id, thread, direction: m.direction, kind: m.kind, state: m.state } });
        } else {
          this.emit({ type: 'state', data: { id: m.id, thread, state: m.state } });
        }
      }
    } catch (e) {
      this.log.warn({ err: e }, 'live update poll failed');
    }
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.debug({ err }, 'live listener failed');
      }
    }
  }
}
