import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processInbound } from '../../../src/mail/in/accept.js';
import { multipartProblem } from '../../../src/mail/in/mime-check.js';
import { cleanSubject } from '../../../src/compose/plan.js';
import { htmlToText } from '../../../src/compose/html.js';
import { tidyText, trimReply } from '../../../src/compose/trim.js';
import { scanTags } from '../../../src/mail/out/smil.js';
import { decodeMms } from '../../../src/codec/mms/index.js';
import { decodePush } from '../../../src/codec/wsp/index.js';
import { decodeSmsPdu } from '../../../src/codec/sms/index.js';
import type { MailInOptions } from '../../../src/mail/in/types.js';
import { ADVERSARIAL, type AdversarialCase } from '../../helpers/adversarial.js';

/**
 * Every parser and regex on untrusted input is linear in its size: each hostile input of
 * 10 MB (test/helpers/adversarial.ts) is handled within a bound. The target is 1 s on
 * a quiet machine (exact figures: bench/adversarial.ts); the bound here is CPU time of this
 * process, MMSGW_ADVERSARIAL_BOUND_MS (default 3000 ms) so a loaded CI machine does not fail
 * it, while anything quadratic (minutes at this size) still does.
 */
const SIZE = 10 * 1024 * 1024;
const BOUND_MS = Number(process.env.MMSGW_ADVERSARIAL_BOUND_MS ?? 3000);

const options = (senders: string[]): MailInOptions => ({
  addressing: { mailbox: 'box@gw.example.org', numbering: { defaultCountryCode: '49' } },
  authorisation: { senders: senders.map((address) => ({ address })) },
  maxMailBytes: 64 * 1024 * 1024,
});
const envelope = { mailFrom: 'anna@example.org', rcptTo: ['box+491701234567@gw.example.org'] };
const source = { transport: 'smtp' as const, id: 'adv', receivedAt: new Date() };

const RUN: Readonly<Record<AdversarialCase['target'], (b: Buffer) => unknown>> = {
  mail: (b) => processInbound(b, source, envelope, options(['anna@example.org'])),
  mime: (b) => multipartProblem(b),
  text: (b) => trimReply(b.toString('utf8')),
  tidy: (b) => tidyText(b.toString('utf8')),
  html: (b) => htmlToText(b.toString('utf8')),
  subject: (b) => cleanSubject(b.toString('utf8')),
  smil: (b) => scanTags(b.toString('utf8')),
  mms: (b) => decodeMms(b),
  push: (b) => decodePush(b),
  sms: (b) => decodeSmsPdu(b.toString('latin1')),
};

async function cpuMs(fn: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

for (const c of ADVERSARIAL) {
  test(`10 MB hostile input "${c.name}" is handled in bounded time`, async () => {
    const input = c.make(SIZE);
    const ms = await cpuMs(() => RUN[c.target](input));
    assert.ok(ms <= BOUND_MS, `${c.name}: ${ms.toFixed(0)} ms CPU for ${(input.byteLength / 1048576).toFixed(1)} MB (bound ${BOUND_MS} ms)`);
  });
}

test('a stranger\'s mail is refused on its headers: its 10 MB body is never parsed', async () => {
  for (const c of ADVERSARIAL.filter((x) => x.target === 'mail')) {
    const input = c.make(SIZE);
    let outcome: Awaited<ReturnType<typeof processInbound>> | undefined;
    const ms = await cpuMs(async () => {
      outcome = await processInbound(input, source, { ...envelope, mailFrom: 'mallory@evil.example' }, options(['someone.else@example.org']));
    });
    assert.equal(outcome?.kind, 'refused', c.name);
    assert.ok(outcome?.kind === 'refused' && ['MAIL_SENDER_UNKNOWN', 'MAIL_MALFORMED'].includes(outcome.refusal.code), `${c.name}: ${outcome?.kind === 'refused' ? outcome.refusal.code : ''}`);
    // Headers only: far below the cost of reading the body (bench: ~0.1 ms/MB).
    assert.ok(ms <= Math.min(BOUND_MS, 500), `${c.name}: ${ms.toFixed(0)} ms CPU to refuse a stranger`);
  }
});

test('the linear structure check finds the same problems as before', () => {
  const mp = (body: string) => multipartProblem(Buffer.from(body, 'latin1'));
  assert.equal(mp('Content-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\nx\r\n--a--\r\n'), undefined);
  assert.equal(mp('Content-Type: multipart/mixed;\r\n boundary="a b"\r\n\r\n--a b  \r\nx\r\n--a b--\t\r\n'), undefined, 'folded field, transport padding');
  assert.match(mp('Content-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\nx\r\n') ?? '', /not closed/);
  assert.match(mp('Content-Type: multipart/mixed; boundary="a"\r\n\r\nx\r\n') ?? '', /no parts/);
  assert.match(mp('Content-type: Multipart/Alternative\r\n\r\nx\r\n') ?? '', /no boundary/);
  assert.match(mp('Content-Type: multipart/mixed; boundary=a\r\n\r\n--ab\r\n--ab--\r\n') ?? '', /no parts/, 'a longer delimiter is another boundary');
  assert.equal(mp('Content-Type: text/plain\r\n\r\n--a\r\n'), undefined);
});

test('trimming, HTML and subjects behave as before on ordinary input', () => {
  assert.equal(tidyText('a  \t\nb \n\n\n\nc  '), 'a\nb\n\nc');
  assert.equal(trimReply('Fine, thanks!   \n\nOn Mon, 1 Jan 2026, Bob <b@x.org> wrote:\n> how are you?'), 'Fine, thanks!');
  assert.equal(htmlToText('<p>Hi <b>there</b></p><!-- x --><script>alert(1)</script><blockquote><p>old</p></blockquote><ul><li>one</li></ul>'), 'Hi there\n> old\n- one');
  assert.equal(htmlToText('a <!-- never closed'), 'a');
  assert.equal(htmlToText('a < b and c'), 'a < b and c');
  assert.equal(cleanSubject('Re: AW: Fwd[2]: Re : meeting'), 'meeting');
  assert.equal(cleanSubject('Re: '), undefined);
  const tags = scanTags('<  par dur="5s"><img src="cid:a"/></ par>');
  assert.deepEqual(tags.map((t) => [t.name, t.closing, t.selfClosing]), [['par', false, false], ['img', false, true], ['par', true, false]]);
});
