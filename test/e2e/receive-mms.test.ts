import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimPartInput } from '../../src/sim/mmsc/index.js';
import { mulberry32, pushPdus, wapPushFor } from '../../src/sim/mmsc/index.js';
import { OWN_NUMBER, mailsWith, pythonParse, sha256, sleep, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';

/**
 * Receiving MMS end to end: a handset submits to the MMSC simulator, which pushes the
 * m-notification-ind as concatenated 8-bit SMS through the modem simulator's pty; the gateway
 * reassembles the push, fetches the message over HTTP through the proxy, confirms it with
 * m-notifyresp-ind and relays it to the SMTP sink. Each mail is parsed back by mailparser and
 * by Python's `email` package.
 */

const TEXTS: readonly { charset: string; text: string }[] = [
  { charset: 'utf-8', text: 'Grüße aus Köln — 😀 €5' },
  { charset: 'utf-16', text: 'Привет, мир! ünïcödé 日本' },
  { charset: 'us-ascii', text: 'Plain ASCII caption [ok]' },
  { charset: 'iso-8859-1', text: 'Ça coûte 5£, señor' },
];

interface Planned {
  readonly parts: SimPartInput[];
  /** Text of each text part, which must appear in the mail's text body. */
  readonly texts: string[];
  /** sha256 of each binary part, which must come out as an attachment. */
  readonly media: string[];
}

/** A SMIL part, then text parts cycling through the charsets, then random binary media. */
function plan(n: number, mediaBytes: number, seed: number, marker: string): Planned {
  const rnd = mulberry32(seed);
  const parts: SimPartInput[] = [];
  const texts: string[] = [];
  const media: string[] = [];
  const bodies = n > 1 ? n - 1 : 1;
  const textCount = Math.max(1, Math.ceil(bodies / 2));
  const mediaCount = bodies - textCount;
  for (let i = 0; i < textCount; i++) {
    const t = TEXTS[i % TEXTS.length]!;
    const text = `${t.text} ${marker}#${i}`;
    texts.push(text);
    parts.push({ contentType: 'text/plain', text, charset: t.charset, name: `text${i}.txt` });
  }
  const types = ['image/jpeg', 'image/png', 'audio/amr', 'video/3gpp', 'application/octet-stream'];
  for (let i = 0; i < mediaCount; i++) {
    const size = Math.max(16, Math.floor(mediaBytes / mediaCount));
    const body = new Uint8Array(size);
    for (let j = 0; j < size; j++) body[j] = Math.floor(rnd() * 256);
    media.push(sha256(body));
    const type = types[i % types.length]!;
    parts.push({ contentType: type, body, name: `media${i}.${type.split('/')[1]}` });
  }
  if (n > 1) {
    const pars = parts.map((p) => `<par dur="3s"><${p.contentType.startsWith('text/') ? 'text' : 'img'} src="${p.name}"/></par>`).join('');
    parts.unshift({ contentType: 'application/smil', text: `<smil><body>${pars}</body></smil>`, charset: 'utf-8', name: 'smil.xml', contentId: '<smil>' });
  }
  return { parts, texts, media };
}

function multiset(xs: readonly string[]): string[] {
  return [...xs].sort();
}

/** Checks the one mail carrying `marker` against what the handset sent. */
async function checkMail(env: E2eEnv, marker: string, txid: string, p: Planned): Promise<void> {
  const mails = await mailsWith(env.sink, marker);
  assert.equal(mails.length, 1, `${marker}: exactly one mail`);
  const { mail, parsed } = mails[0]!;
  // mailparser
  assert.ok(parsed.subject?.includes(marker), `${marker}: subject ${parsed.subject}`);
  for (const t of p.texts) assert.ok(parsed.text?.includes(t), `${marker}: mailparser text body lacks ${JSON.stringify(t)}`);
  const mpAttachments = parsed.attachments.filter((a) => a.contentType !== 'application/smil');
  assert.deepEqual(multiset(mpAttachments.map((a) => sha256(a.content))), multiset(p.media), `${marker}: attachments (mailparser) byte-identical`);
  // Python's email package
  const py = pythonParse(mail.raw);
  assert.deepEqual(py.defects, [], `${marker}: MIME defects (python)`);
  const pyText = py.parts.filter((x) => x.contentType === 'text/plain').map((x) => x.text ?? '').join('\n');
  for (const t of p.texts) assert.ok(pyText.includes(t), `${marker}: python text/plain lacks ${JSON.stringify(t)}`);
  const pyMedia = py.parts.filter((x) => !x.contentType.startsWith('text/') && x.contentType !== 'application/smil');
  assert.deepEqual(multiset(pyMedia.map((x) => x.sha256)), multiset(p.media), `${marker}: attachments (python) byte-identical`);
  for (const x of py.parts.filter((y) => y.contentType.startsWith('text/'))) assert.ok(x.charset, `${marker}: text leaf ${x.contentType} declares its charset`);
  assert.match(py.replyTo ?? '', /^box\+\+?1555021\d+@mmsgw\.localhost$/, `${marker}: Reply-To names the sender`);
  // MM1: confirmed once as retrieved, fetched once.
  const resps = env.mmscSim.notifyResps().filter((r) => r.transactionId === txid);
  assert.deepEqual(resps.map((r) => r.status), ['retrieved'], `${marker}: one m-notifyresp-ind, status retrieved`);
  assert.equal(env.mmscSim.fetches(txid), 1, `${marker}: fetched once`);
}

test('MMS of 1, 10 and 50 parts and of 3 MB reach the mailbox intact, once; a restart fetches nothing again', { timeout: 60_000 }, async () => {
  await withE2e({ configure: (c) => ({ ...c, mmsc: { ...c.mmsc, maxMessageSize: 5 * 1024 * 1024 } }) }, async (env) => {
    const cases = [
      { parts: 1, bytes: 0 },
      { parts: 10, bytes: 40_000 },
      { parts: 50, bytes: 200_000 },
      { parts: 4, bytes: 3 * 1024 * 1024 },
    ];
    const sent: { marker: string; txid: string; plan: Planned }[] = [];
    for (const [i, c] of cases.entries()) {
      const marker = `[rx-${c.parts}p-${i}]`;
      const p = plan(c.parts, c.bytes, 100 + i, marker);
      const txid = await env.mmscSim.submitFromHandset({ from: `+155502100${i}`, to: OWN_NUMBER, subject: `${marker} photos`, parts: p.parts });
      sent.push({ marker, txid, plan: p });
    }
    await waitUntil(async () => {
      for (const s of sent) if ((await mailsWith(env.sink, s.marker)).length === 0) return false;
      return true;
    }, 40_000, 'every MMS at the mailbox', () => ({ mails: env.sink.mails.length, jobs: env.gateway.store.jobs.counts() }));
    await waitUntil(() => sent.every((s) => env.mmscSim.notifyResps().some((r) => r.transactionId === s.txid)), 10_000, 'every notifyresp');
    for (const s of sent) await checkMail(env, s.marker, s.txid, s.plan);

    // Restart on the same state: nothing is fetched, confirmed or mailed again.
    const mailsBefore = env.sink.mails.length;
    const respsBefore = env.mmscSim.notifyResps().length;
    const getsBefore = env.mmscSim.requests().filter((r) => r.method === 'GET').length;
    await env.restart();
    await sleep(2500);
    assert.equal(env.sink.mails.length, mailsBefore, 'no mail after the restart');
    assert.equal(env.mmscSim.notifyResps().length, respsBefore, 'no notifyresp after the restart');
    assert.equal(env.mmscSim.requests().filter((r) => r.method === 'GET').length, getsBefore, 'no GET after the restart');
    for (const s of sent) assert.equal(env.mmscSim.fetches(s.txid), 1, `${s.marker}: still fetched once`);
    const counts = env.gateway.store.jobs.counts();
    assert.equal(counts.dead, 0, 'no dead jobs');

    // The carrier sends the notification again, in a new push (new SMS, same transaction id):
    // nothing is fetched twice.
    const again = env.mmscSim.message(sent[1]!.txid);
    assert.ok(again);
    for (const pdu of pushPdus(wapPushFor(again.notification, 77), '+15550109999', 177)) await env.modemSim.deliverSms(pdu);
    await waitUntil(() => env.gateway.store.messages.list({ direction: 'in', limit: 50 }).some((m) => env.gateway.store.events.ofMessage(m.id).some((e) => e.kind === 'duplicate-notification')), 10_000, 'the duplicate notification recorded');
    await sleep(1000);
    assert.equal(env.mmscSim.fetches(sent[1]!.txid), 1, 'a resent notification is not fetched again');
    assert.equal(env.sink.mails.length, mailsBefore, 'nor mailed again');
  });
});

test('an MMS relayed while the gateway restarts mid-stream arrives once', { timeout: 60_000 }, async () => {
  await withE2e({}, async (env) => {
    const sent: { marker: string; txid: string; plan: Planned }[] = [];
    for (let i = 0; i < 6; i++) {
      const marker = `[rx-restart-${i}]`;
      const p = plan(3 + (i % 3), 20_000, 200 + i, marker);
      sent.push({ marker, txid: await env.mmscSim.submitFromHandset({ from: `+155502110${i}`, to: OWN_NUMBER, subject: marker, parts: p.parts }), plan: p });
      if (i === 2) await env.restart();
    }
    await waitUntil(async () => {
      for (const s of sent) if ((await mailsWith(env.sink, s.marker)).length === 0) return false;
      return true;
    }, 40_000, 'every MMS at the mailbox', () => ({ mails: env.sink.mails.length }));
    await waitUntil(() => sent.every((s) => env.mmscSim.notifyResps().some((r) => r.transactionId === s.txid)), 10_000, 'every notifyresp');
    await sleep(500);
    for (const s of sent) {
      assert.equal((await mailsWith(env.sink, s.marker)).length, 1, `${s.marker}: one mail`);
      assert.equal(env.mmscSim.fetches(s.txid), 1, `${s.marker}: fetched once`);
      assert.deepEqual(env.mmscSim.notifyResps().filter((r) => r.transactionId === s.txid).map((r) => r.status), ['retrieved'], `${s.marker}: one notifyresp`);
    }
  });
});

test('the mail server deferring (451) for a while: the MMS arrives once when it accepts again', { timeout: 40_000 }, async () => {
  let refusing = true;
  let refusals = 0;
  const refuse = (): { code: number; message: string } | undefined => {
    if (!refusing) return undefined;
    refusals++;
    return { code: 451, message: 'try again later' };
  };
  await withE2e({ sinkRefuse: refuse }, async (env) => {
    const marker = '[rx-451]';
    const p = plan(3, 10_000, 300, marker);
    const txid = await env.mmscSim.submitFromHandset({ from: '+15550212001', to: OWN_NUMBER, subject: marker, parts: p.parts });
    await waitUntil(() => refusals > 0, 15_000, 'the first refused relay');
    const row = env.gateway.store.messages.list({ direction: 'in', limit: 5 }).find((m) => m.transactionId === txid);
    assert.ok(row);
    assert.notEqual(row.state, 'relayed', 'not relayed while the server defers');
    refusing = false;
    await waitUntil(async () => (await mailsWith(env.sink, marker)).length > 0, 25_000, 'the mail after the server recovered');
    await sleep(500);
    await checkMail(env, marker, txid, p);
    assert.equal(env.gateway.store.messages.get(row.id)?.state, 'relayed');
  });
});
