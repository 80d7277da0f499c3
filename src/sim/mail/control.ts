/**
 * The mail sink's control channel: JSON lines over a unix socket (the protocol of the modem
 * simulator's, src/sim/modem/control.ts), at a fixed path such as `<state-dir>/sim/mail.sock`
 * in the demo. Each mail is parsed once, on arrival, here in the simulators' process.
 *
 *   → {"id":1,"method":"mails","params":{"since":0}}
 *   ← {"id":1,"result":[{"seq":1,"file":"/…/mailbox/000001.eml","subject":"…",…}]}
 *   ← {"event":"mail","data":{"seq":2,…}}
 *
 * Methods: `status` → `{port, dir, count}`; `mails` (`since?`: the seq after which to start,
 * `limit?`) → summaries, oldest first. Event: `mail` (a summary) for every mail received.
 */
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { ControlServer } from '../modem/control.js';
import type { MailSink, SinkMail } from './sink.js';

/** A received mail as the control channel describes it. */
export interface MailSummary {
  readonly seq: number;
  /** Where the sink wrote it (`<dir>/000007.eml`), when it writes files. */
  readonly file: string | undefined;
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly messageId: string | undefined;
  readonly inReplyTo: string | undefined;
  readonly subject: string;
  /** The plain-text body (its first 8 000 characters). */
  readonly text: string;
  readonly attachments: readonly { readonly contentType: string; readonly filename: string | undefined; readonly size: number }[];
  readonly receivedAt: number;
}

const TEXT_LIMIT = 8000;

/** Summarises one mail (mailparser), as the control channel and the demo driver see it. */
export async function summarise(mail: SinkMail, dir: string | undefined): Promise<MailSummary> {
  const p = await simpleParser(mail.raw, { skipImageLinks: true, skipTextToHtml: true });
  const inReplyTo = typeof p.inReplyTo === 'string' ? p.inReplyTo : undefined;
  return {
    seq: mail.seq,
    file: dir === undefined ? undefined : join(dir, `${String(mail.seq).padStart(6, '0')}.eml`),
    envelopeFrom: mail.envelopeFrom,
    envelopeTo: mail.envelopeTo,
    messageId: mail.messageId,
    inReplyTo,
    subject: p.subject ?? '',
    text: (p.text ?? '').slice(0, TEXT_LIMIT),
    attachments: p.attachments.map((a) => ({ contentType: a.contentType, filename: a.filename, size: a.size })),
    receivedAt: mail.receivedAt.getTime(),
  };
}

export async function listenMailControl(sink: MailSink, path: string, dir: string | undefined): Promise<{ readonly path: string; close(): Promise<void> }> {
  const summaries: MailSummary[] = [];
  // Summaries in arrival order: each mail parsed once, the next only after the previous.
  let chain = Promise.resolve();
  const add = (mail: SinkMail): void => {
    chain = chain.then(async () => {
      const s = await summarise(mail, dir).catch(() => undefined);
      if (s === undefined) return;
      summaries.push(s);
      server?.broadcast('mail', s);
    });
  };
  let server: ControlServer | undefined = undefined;
  for (const m of sink.mails) add(m);
  sink.on('mail', add);
  const listening = await ControlServer.listen(path, {
    status: () => ({ port: sink.port, dir, count: sink.mails.length }),
    mails: async (params) => {
      await chain;
      const p = (params ?? {}) as { since?: unknown; limit?: unknown };
      const since = typeof p.since === 'number' && p.since > 0 ? p.since : 0;
      const limit = typeof p.limit === 'number' && p.limit > 0 ? Math.min(p.limit, 10_000) : 10_000;
      return summaries.filter((s) => s.seq > since).slice(0, limit);
    },
  });
  server = listening;
  return {
    path,
    async close() {
      sink.off('mail', add);
      await listening.close();
    },
  };
}
