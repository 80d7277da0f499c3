import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One mail as the sink received it. */
export interface SinkMail {
  readonly seq: number;
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly raw: Buffer;
  /** The Message-ID header, when present. */
  readonly messageId: string | undefined;
  readonly receivedAt: Date;
}

export interface MailSinkOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Also write every mail as `<seq>.eml` here. */
  readonly dir?: string;
  /** Refuse mail with this SMTP reply (e.g. `{ code: 451, message: 'try later' }`), to test retries. */
  readonly refuse?: () => { code: number; message: string } | undefined;
}

/**
 * A real SMTP server that keeps what it receives: the demo's "mailbox" and the tests' mail
 * server. No authentication, loopback only; it accepts everything unless told to refuse.
 */
export class MailSink extends EventEmitter {
  readonly mails: SinkMail[] = [];
  private server: SMTPServer | undefined;
  /** Client connections that ended in a socket error (reset by a killed sender). */
  connectionErrors = 0;
  port = 0;

  constructor(private readonly options: MailSinkOptions = {}) {
    super();
  }

  async start(): Promise<this> {
    if (this.options.dir) mkdirSync(this.options.dir, { recursive: true });
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      size: 64 * 1024 * 1024,
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // smtp-server reports each client's socket errors on the server: a sender killed mid-session
    // (a gateway SIGKILLed with pooled connections open) resets its connections. That is the
    // sender's business; without a listener the emitter would throw in this process.
    server.on('error', (e: Error) => {
      this.connectionErrors++;
      this.emit('connection-error', e);
    });
    const addr = (server as unknown as { server: { address(): { port: number } } }).server.address();
    this.port = addr.port;
    return this;
  }

  private receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const refusal = this.options.refuse?.();
      if (refusal) {
        const err = new Error(refusal.message) as Error & { responseCode: number };
        err.responseCode = refusal.code;
        callback(err);
        return;
      }
      const raw = Buffer.concat(chunks);
      const header = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1');
      const messageId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(header)?.[1];
      const mail: SinkMail = {
        seq: this.mails.length + 1,
        envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        envelopeTo: session.envelope.rcptTo.map((r) => r.address),
        raw,
        messageId,
        receivedAt: new Date(),
      };
      this.mails.push(mail);
      if (this.options.dir) writeFileSync(join(this.options.dir, `${String(mail.seq).padStart(6, '0')}.eml`), raw);
      this.emit('mail', mail);
      callback(null);
    });
  }

  /** Mails whose raw text contains `needle` (e.g. a test marker). */
  find(needle: string): SinkMail[] {
    return this.mails.filter((m) => m.raw.includes(needle));
  }

  /** Resolves when `count` mails have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.mails.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('mail', onMail);
        reject(new Error(`mail sink: ${this.mails.length} of ${count} mails after ${timeoutMs} ms`));
      }, timeoutMs);
      const onMail = (): void => {
        if (this.mails.length < count) return;
        clearTimeout(timer);
        this.off('mail', onMail);
        resolve();
      };
      this.on('mail', onMail);
    });
  }

  static digest(raw: Buffer): string {
    return createHash('sha256').update(raw).digest('hex');
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
