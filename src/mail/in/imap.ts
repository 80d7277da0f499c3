/**
 * IMAP intake (imapflow): the default for a box behind NAT with an ordinary mailbox. Waits
 * with IDLE (RFC 2177) where the server has it, polls otherwise, and hands each new mail off
 * exactly once:
 *
 *   handler resolved → SeenStore advanced to that UID → mail flagged \Seen + $MmsgwProcessed
 *   (or moved to the processed folder, RFC 6851 MOVE).
 *
 * UIDs are only compared under the same UIDVALIDITY (RFC 9051 §2.3.1.1). When it changes,
 * the watermark restarts at 0 and mails that already carry the keyword are skipped. A handler
 * failure stops the batch (later mails wait, order is kept) and is retried after a backoff;
 * a lost connection reconnects with exponential backoff.
 */
import { ImapFlow } from 'imapflow';
import type { FetchMessageObject } from 'imapflow';
import { errorMessage } from '../../util/errors.js';
import { logger } from '../../util/log.js';
import type { Logger } from '../../util/log.js';
import type { SeenStore } from './seen-store.js';

/** Keyword set on handed-off mail (RFC 9051 §2.3.2 flag-keyword). */
export const PROCESSED_KEYWORD = '$MmsgwProcessed';

export interface ImapIntakeOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 993). */
  readonly secure?: boolean;
  /** Allow a cleartext login when the server offers no STARTTLS; only sensible on loopback (default false). */
  readonly allowPlaintext?: boolean;
  readonly user: string;
  readonly pass: string;
  /** Folder to watch (default INBOX). */
  readonly mailbox?: string;
  /** Move handed-off mail here (created when missing) instead of flagging it in place. */
  readonly processedMailbox?: string;
  /** Poll interval when IDLE is unavailable or disabled, and the IDLE safety net (default 60 s). */
  readonly pollIntervalMs?: number;
  /** Use IDLE when the server supports it (default true). */
  readonly idle?: boolean;
  /** First reconnect/retry delay (default 1 s), doubled up to `backoffMaxMs` (default 5 min). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Mails larger than this are fetched only partly (the first bytes, for the refusal reply). */
  readonly maxMailBytes?: number;
  /**
   * Told of every failure the intake recovers from by itself (for the `imap` error counter):
   * `connect` (connection, login or mailbox selection), `handoff` (the mail could not be
   * queued; it is retried), `mark` (it was queued but could not be flagged on the server).
   */
  readonly onError?: (kind: 'connect' | 'handoff' | 'mark') => void;
}

export interface FetchedMail {
  readonly raw: Buffer;
  /** Size the server reports (RFC822.SIZE); larger than raw.length when only a head was fetched. */
  readonly size: number;
  /** `imap:<mailbox>:<uidvalidity>:<uid>`: stable across restarts while UIDVALIDITY holds. */
  readonly id: string;
  readonly uid: number;
  readonly internalDate?: Date;
}

export type MailSink = (mail: FetchedMail) => Promise<void>;

const DEFAULT_POLL_MS = 60_000;
const DEFAULT_MAX_MAIL = 25 * 1024 * 1024;
const PARTIAL_FETCH_BYTES = 64 * 1024;

export class ImapIntake {
  readonly #opts: ImapIntakeOptions;
  readonly #store: SeenStore;
  readonly #sink: MailSink;
  readonly #log: Logger;
  #client: ImapFlow | undefined;
  #running: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;

  constructor(opts: ImapIntakeOptions, store: SeenStore, sink: MailSink, log: Logger = logger('imap')) {
    this.#opts = opts;
    this.#store = store;
    this.#sink = sink;
    this.#log = log;
  }

  get mailbox(): string {
    return this.#opts.mailbox ?? 'INBOX';
  }

  /** Starts the connect → drain → wait loop in the background. */
  start(): void {
    if (this.#running) return;
    this.#stopping = false;
    this.#running = this.#loop();
  }

  /**
   * Ends the loop once the mail in hand is finished (handed off, recorded and marked), then
   * logs out. A server that stops answering is cut off after `graceMs`.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    const running = this.#running;
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    if ((await Promise.race([running, late])) === 'late') this.#client?.close();
    clearTimeout(timer);
    await running;
    this.#running = undefined;
  }

  async #loop(): Promise<void> {
    const initial = this.#opts.backoffInitialMs ?? 1000;
    const max = this.#opts.backoffMaxMs ?? 300_000;
    let delay = initial;
    while (!this.#stopping) {
      const client = this.#connectClient();
      this.#client = client;
      try {
        await client.connect();
        await this.#prepare(client);
        delay = initial;
        while (!this.#stopping && client.usable) {
          const drained = await this.#drain(client);
          if (!drained) {
            await this.#sleep(delay, client);
            delay = Math.min(delay * 2, max);
            continue;
          }
          delay = initial;
          await this.#sleep(this.#opts.pollIntervalMs ?? DEFAULT_POLL_MS, client);
        }
      } catch (e) {
        if (!this.#stopping) {
          this.#log.warn({ err: errorMessage(e), retryInMs: delay }, 'IMAP connection failed');
          this.#opts.onError?.('connect');
        }
      } finally {
        if (client.usable) await client.logout().catch(() => client.close());
        else client.close();
      }
      if (this.#stopping) break;
      await this.#sleep(delay);
      delay = Math.min(delay * 2, max);
    }
  }

  #connectClient(): ImapFlow {
    const o = this.#opts;
    const client = new ImapFlow({
      host: o.host,
      port: o.port,
      secure: o.secure ?? false,
      ...(o.secure ? {} : { doSTARTTLS: !o.allowPlaintext }),
      auth: { user: o.user, pass: o.pass },
      logger: false,
      disableAutoIdle: o.idle === false,
    });
    client.on('exists', () => this.#wake?.());
    client.on('close', () => this.#wake?.());
    client.on('error', (e: unknown) => this.#log.debug({ err: errorMessage(e) }, 'IMAP socket error'));
    return client;
  }

  async #prepare(client: ImapFlow): Promise<void> {
    const target = this.#opts.processedMailbox;
    if (target === undefined) return;
    const list = await client.list();
    if (!list.some((m) => m.path === target)) await client.mailboxCreate(target);
  }

  /** Waits `ms`, or until new mail arrives, the connection closes, or stop() is called. */
  #sleep(ms: number, client?: ImapFlow): Promise<void> {
    if (this.#stopping || (client && !client.usable)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Hands off every new mail in UID order. False when the handler failed (retry later). */
  async #drain(client: ImapFlow): Promise<boolean> {
    const box = await client.mailboxOpen(this.mailbox);
    // One store may serve several accounts: the key names the account as well as the folder.
    const key = `${this.#opts.user}@${this.#opts.host}:${this.#opts.port}/${box.path}`;
    const uidValidity = box.uidValidity.toString();
    let state = await this.#store.get(key);
    if (!state || state.uidValidity !== uidValidity) {
      if (state) this.#log.warn({ mailbox: key, was: state.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: rescanning, skipping mail already marked processed');
      state = { uidValidity, lastUid: 0 };
      await this.#store.set(key, state);
    }
    const canKeyword = box.permanentFlags === undefined || box.permanentFlags.has('\\*') || box.permanentFlags.has(PROCESSED_KEYWORD);
    // "n:*" also returns the highest UID when it is below n (RFC 9051 §6.4.8), hence the filter.
    const found = await client.search({ uid: `${state.lastUid + 1}:*` }, { uid: true });
    const uids = (found || []).filter((u) => u > (state?.lastUid ?? 0)).sort((a, b) => a - b);
    for (const uid of uids) {
      if (this.#stopping || !client.usable) return true;
      const id = `imap:${box.path}:${uidValidity}:${uid}`;
      const meta = await client.fetchOne(String(uid), { flags: true, size: true }, { uid: true });
      if (meta === false) continue;
      if (meta.flags?.has(PROCESSED_KEYWORD)) {
        state = { uidValidity, lastUid: uid };
        await this.#store.set(key, state);
        continue;
      }
      const mail = await this.#fetch(client, uid, meta);
      if (mail === undefined) continue;
      try {
        await this.#sink({ ...mail, id });
      } catch (e) {
        this.#log.warn({ id, err: errorMessage(e) }, 'hand-off failed; the mail stays unprocessed and is retried');
        this.#opts.onError?.('handoff');
        return false;
      }
      state = { uidValidity, lastUid: uid };
      await this.#store.set(key, state);
      await this.#markProcessed(client, uid, canKeyword, id);
    }
    return true;
  }

  async #fetch(client: ImapFlow, uid: number, meta: FetchMessageObject): Promise<Omit<FetchedMail, 'id'> | undefined> {
    const size = meta.size ?? 0;
    const limit = this.#opts.maxMailBytes ?? DEFAULT_MAX_MAIL;
    const partial = size > limit;
    const msg = await client.fetchOne(String(uid), { source: partial ? { start: 0, maxLength: PARTIAL_FETCH_BYTES } : true, internalDate: true }, { uid: true });
    if (msg === false || msg.source === undefined) return undefined;
    const date = msg.internalDate instanceof Date ? msg.internalDate : undefined;
    return { raw: msg.source, size: Math.max(size, msg.source.byteLength), uid, ...(date ? { internalDate: date } : {}) };
  }

  async #markProcessed(client: ImapFlow, uid: number, canKeyword: boolean, id: string): Promise<void> {
    try {
      const flags = canKeyword ? ['\\Seen', PROCESSED_KEYWORD] : ['\\Seen'];
      await client.messageFlagsAdd(String(uid), flags, { uid: true });
      if (this.#opts.processedMailbox !== undefined) await client.messageMove(String(uid), this.#opts.processedMailbox, { uid: true });
    } catch (e) {
      // Already handed off and recorded in the SeenStore: not processed again either way.
      this.#log.warn({ id, err: errorMessage(e) }, 'could not mark the mail processed on the server');
      this.#opts.onError?.('mark');
    }
  }
}
