/**
 * Where the IMAP poller remembers how far it got in each mailbox: the UIDVALIDITY it saw and
 * the highest UID handed off (RFC 3501 §2.3.1.1 / RFC 9051 §2.3.1.1: a UID names the same
 * message only while UIDVALIDITY is unchanged). The gateway backs this with SQLite; the
 * file-backed store here serves tests and small set-ups.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface MailboxState {
  /** UIDVALIDITY as a decimal string (a 32-bit unsigned value, kept exact). */
  readonly uidValidity: string;
  /** Highest UID whose mail has been handed off; 0 when none. */
  readonly lastUid: number;
}

export interface SeenStore {
  get(mailboxKey: string): Promise<MailboxState | undefined>;
  /** Must be durable when the promise resolves. */
  set(mailboxKey: string, state: MailboxState): Promise<void>;
}

function isState(v: unknown): v is MailboxState {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.uidValidity === 'string' && typeof o.lastUid === 'number' && Number.isInteger(o.lastUid) && o.lastUid >= 0;
}

/** A JSON file, replaced atomically (write to a temporary file, fsync, rename). */
export class FileSeenStore implements SeenStore {
  readonly #path: string;
  #chain: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  async #read(): Promise<Record<string, MailboxState>> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    const parsed = JSON.parse(text) as unknown;
    const out: Record<string, MailboxState> = {};
    if (typeof parsed === 'object' && parsed !== null) {
      for (const [k, v] of Object.entries(parsed)) if (isState(v)) out[k] = { uidValidity: v.uidValidity, lastUid: v.lastUid };
    }
    return out;
  }

  async get(mailboxKey: string): Promise<MailboxState | undefined> {
    await this.#chain;
    return (await this.#read())[mailboxKey];
  }

  set(mailboxKey: string, state: MailboxState): Promise<void> {
    const next = this.#chain.then(async () => {
      const all = await this.#read();
      all[mailboxKey] = state;
      await mkdir(dirname(this.#path), { recursive: true });
      const tmp = `${this.#path}.tmp`;
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(all, null, 2));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.#path);
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
