import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ImapIntake, PROCESSED_KEYWORD } from '../../../src/mail/in/imap.js';
import type { FetchedMail, ImapIntakeOptions, MailSink } from '../../../src/mail/in/imap.js';
import { imapSink } from '../../../src/mail/in/intake.js';
import { FileSeenStore } from '../../../src/mail/in/seen-store.js';
import type { InboundOutcome } from '../../../src/mail/in/types.js';
import { startDovecot } from './dovecot.js';
import type { Dovecot } from './dovecot.js';
import { ANNA, mailInOptions, rawMail } from './fixtures.js';

let dovecot: Dovecot | undefined;
let skipReason: string | undefined;
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mmsgw-imap-test-'));
  const d = await startDovecot(['once', 'retry', 'move', 'validity', 'big']);
  if (typeof d === 'string') skipReason = d;
  else dovecot = d;
});

after(async () => {
  await dovecot?.stop();
  rmSync(work, { recursive: true, force: true });
});

function intakeOptions(user: string, over: Partial<ImapIntakeOptions> = {}): ImapIntakeOptions {
  const d = dovecot as Dovecot;
  return { host: '127.0.0.1', port: d.port, allowPlaintext: true, user, pass: d.password, pollIntervalMs: 500, backoffInitialMs: 50, backoffMaxMs: 200, ...over };
}

async function withClient<T>(user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const d = dovecot as Dovecot;
  const c = new ImapFlow({ host: '127.0.0.1', port: d.port, secure: false, doSTARTTLS: false, auth: { user, pass: d.password }, logger: false });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

async function append(user: string, subjects: readonly string[]): Promise<void> {
  await withClient(user, async (c) => {
    for (const s of subjects) await c.append('INBOX', rawMail({ From: ANNA, To: 'box+491701234567@gw.example.org', Subject: s, 'Return-Path': `<${ANNA}>` }, `text of ${s}`));
  });
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function subjectOf(m: FetchedMail): string {
  return /^Subject: (.*)$/m.exec(m.raw.toString('utf8'))?.[1]?.trim() ?? '';
}

test('each mail is handed off exactly once, across a restart, even if the server loses the flag', async (t) => {
  if (!dovecot) return t.skip(`IMAP tests skipped: ${skipReason}`);
  const seenPath = join(work, 'seen-once.json');
  const got: FetchedMail[] = [];
  const sink: MailSink = async (m) => {
    got.push(m);
  };
  await append('once', ['one', 'two', 'three']);

  const first = new ImapIntake(intakeOptions('once'), new FileSeenStore(seenPath), sink);
  first.start();
  await waitFor(() => got.length === 3, 'three mails');
  await first.stop();
  assert.deepEqual(got.map(subjectOf), ['one', 'two', 'three']);
  assert.deepEqual(new Set(got.map((m) => m.id)).size, 3);

  const flags = await withClient('once', async (c) => {
    await c.mailboxOpen('INBOX');
    const list = await c.fetchAll('1:*', { uid: true, flags: true });
    // The server "forgets" the keyword on the first mail: the SeenStore alone must hold.
    await c.messageFlagsRemove(String(list[0]?.uid), [PROCESSED_KEYWORD], { uid: true });
    return list.map((m) => [...(m.flags ?? [])].sort());
  });
  for (const f of flags) assert.deepEqual(f, [PROCESSED_KEYWORD, '\\Seen'].sort());

  await append('once', ['four']);
  const second = new ImapIntake(intakeOptions('once'), new FileSeenStore(seenPath), sink);
  second.start();
  await waitFor(() => got.length >= 4, 'the new mail');
  await new Promise((r) => setTimeout(r, 300));
  await second.stop();
  assert.deepEqual(got.map(subjectOf), ['one', 'two', 'three', 'four']);
});

test('a failing hand-off leaves the mail unprocessed; it is retried and processed once', async (t) => {
  if (!dovecot) return t.skip(`IMAP tests skipped: ${skipReason}`);
  let attempts = 0;
  const done: string[] = [];
  await append('retry', ['flaky', 'after']);
  const intake = new ImapIntake(intakeOptions('retry'), new FileSeenStore(join(work, 'seen-retry.json')), async (m) => {
    attempts++;
    if (attempts <= 2) {
      const flagged = await withClient('retry', async (c) => {
        await c.mailboxOpen('INBOX');
        return (await c.fetchAll('1:*', { uid: true, flags: true })).some((x) => x.flags?.has(PROCESSED_KEYWORD));
      });
      assert.equal(flagged, false, 'nothing marked processed while the hand-off fails');
      throw new Error('database locked');
    }
    done.push(subjectOf(m));
  });
  intake.start();
  await waitFor(() => done.length === 2, 'both mails after the retries');
  await intake.stop();
  assert.deepEqual(done, ['flaky', 'after'], 'order kept: the later mail waited');
  assert.equal(attempts, 4);
});

test('with a processed folder, mails are moved there; outcomes come from the full checks', async (t) => {
  if (!dovecot) return t.skip(`IMAP tests skipped: ${skipReason}`);
  const outcomes: InboundOutcome[] = [];
  await append('move', ['hello']);
  await withClient('move', (c) => c.append('INBOX', rawMail({ From: 'mallory@evil.example', To: 'box+491701234567@gw.example.org', 'Return-Path': '<mallory@evil.example>', Subject: 'spam' })));
  const sink = imapSink(mailInOptions(), async (o) => {
    outcomes.push(o);
  });
  const intake = new ImapIntake(intakeOptions('move', { processedMailbox: 'Processed' }), new FileSeenStore(join(work, 'seen-move.json')), sink);
  intake.start();
  await waitFor(() => outcomes.length === 2, 'two outcomes');
  await intake.stop();
  const [ok, no] = outcomes;
  assert.ok(ok?.kind === 'accepted' && ok.plan.kind === 'sms' && ok.plan.text === 'text of hello');
  assert.match(ok.source.id, /^imap:INBOX:\d+:1$/);
  assert.ok(no?.kind === 'refused' && no.refusal.code === 'MAIL_SENDER_UNKNOWN' && no.reply?.to === 'mallory@evil.example');
  const counts = await withClient('move', async (c) => {
    const inbox = await c.status('INBOX', { messages: true });
    const processed = await c.status('Processed', { messages: true });
    return [inbox && inbox.messages, processed && processed.messages];
  });
  assert.deepEqual(counts, [0, 2]);
});

test('a new UIDVALIDITY restarts the scan but skips mail already marked processed', async (t) => {
  if (!dovecot) return t.skip(`IMAP tests skipped: ${skipReason}`);
  const mail = (subject: string): Buffer => rawMail({ From: ANNA, To: 'box+491701234567@gw.example.org', Subject: subject });
  const seen = new FileSeenStore(join(work, 'seen-validity.json'));
  const got: string[] = [];
  await withClient('validity', async (c) => {
    await c.mailboxCreate('Sms');
    await c.append('Sms', mail('old'));
  });
  const run = async (total: number): Promise<void> => {
    const intake = new ImapIntake(intakeOptions('validity', { mailbox: 'Sms' }), seen, async (m) => {
      got.push(subjectOf(m));
    });
    intake.start();
    await waitFor(() => got.length >= total, `${total} hand-offs`);
    await new Promise((r) => setTimeout(r, 200));
    await intake.stop();
  };
  await run(1);
  assert.deepEqual(got, ['old']);
  const key = `validity@127.0.0.1:${(dovecot as Dovecot).port}/Sms`;
  const before = (await seen.get(key))?.uidValidity;
  assert.ok(before !== undefined, 'state kept under the account and folder');
  // The folder is recreated (as after a server migration): the processed mail comes back
  // flagged, next to a new one, under a new UIDVALIDITY.
  await withClient('validity', async (c) => {
    await c.mailboxDelete('Sms');
    await c.mailboxCreate('Sms');
    await c.append('Sms', mail('old'), [PROCESSED_KEYWORD, '\\Seen']);
    await c.append('Sms', mail('new'));
  });
  await run(2);
  assert.deepEqual(got, ['old', 'new']);
  assert.notEqual((await seen.get(key))?.uidValidity, before);
});

test('an oversize mail is fetched only in part and refused with a reply', async (t) => {
  if (!dovecot) return t.skip(`IMAP tests skipped: ${skipReason}`);
  await withClient('big', (c) => c.append('INBOX', rawMail({ From: ANNA, To: 'box+491701234567@gw.example.org', 'Return-Path': `<${ANNA}>`, Subject: 'huge' }, 'z'.repeat(200_000))));
  const outcomes: InboundOutcome[] = [];
  const limit = 20_000;
  const intake = new ImapIntake(intakeOptions('big', { maxMailBytes: limit }), new FileSeenStore(join(work, 'seen-big.json')), imapSink(mailInOptions({ maxMailBytes: limit }), async (o) => {
    outcomes.push(o);
  }));
  intake.start();
  await waitFor(() => outcomes.length === 1, 'the refusal');
  await intake.stop();
  const o = outcomes[0];
  assert.ok(o?.kind === 'refused' && o.refusal.code === 'MAIL_TOO_LARGE');
  assert.ok(o.raw.byteLength <= 64 * 1024, `fetched ${o.raw.byteLength} bytes`);
  assert.equal(o.reply?.to, ANNA);
  assert.equal(o.reply?.subject, 'Not sent: huge');
});

test('an unreachable server is retried with backoff and stop() still returns promptly', async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const intake = new ImapIntake({ host: '127.0.0.1', port, allowPlaintext: true, user: 'x', pass: 'y', backoffInitialMs: 20, backoffMaxMs: 40 }, new FileSeenStore(join(work, 'seen-down.json')), async () => {
    throw new Error('never called');
  });
  intake.start();
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await intake.stop();
  assert.ok(Date.now() - t0 < 1000);
});
