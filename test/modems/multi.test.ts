import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { createSendService } from '../../src/app/send.js';
import { TokensRepo } from '../../src/web/api/tokens.js';
import { boxAddress, mailsWith, waitUntil } from '../helpers/e2e.js';
import { mailTo, startMulti, submitted, type MultiEnv } from '../helpers/multi-modem.js';

/**
 * Three modems of different vendor profiles (generic, huawei, quectel) on real ptys, each with
 * its own MMSC simulator: SMS and MMS in on every modem, recorded with the receiving modem and
 * number and mailed by the route of that number; SMS out spread over all three, a reply from
 * the number that was written to, a sender asked for by the API; then one modem unplugged in
 * the middle of a burst: its queued messages go out through the others, nothing is lost and
 * nothing is sent twice.
 */

const ROUTE = (id: string): string => `${id}@mmsgw.localhost`;

async function allSubmitted(env: MultiEnv): Promise<{ modem: string; to: string; text: string }[]> {
  const out: { modem: string; to: string; text: string }[] = [];
  for (const s of env.sims) for (const x of await submitted(s)) out.push({ modem: s.id, ...x });
  return out;
}

test('three modems: in and out on all, routing by number, sender choice, one unplugged mid-burst', { timeout: 240_000 }, async (t) => {
  const env = await startMulti(3, (c) => ({ ...c, outbound: { uncertain: { sms: 'hold', mms: 'hold' }, modems: { byPrefix: [{ prefix: '+1555039', modems: ['modem3'] }] } } }));
  try {
    const gw = env.gateway;
    await waitUntil(() => gw.modemViews().length === 3 && gw.modemViews().every((v) => v.health.ok), 60_000, 'three modems ready', () => gw.modemViews().map((v) => [v.id, v.status.state, v.health]));
    assert.deepEqual(gw.modemViews().map((v) => [v.id, v.number, v.profile]), [
      ['modem1', env.sims[0]!.number, 'generic'],
      ['modem2', env.sims[1]!.number, 'huawei'],
      ['modem3', env.sims[2]!.number, 'quectel'],
    ]);

    await t.test('SMS and MMS in on every modem: recorded with modem and number, mailed by the route of that number', async () => {
      for (const [i, s] of env.sims.entries()) {
        for (let k = 0; k < 2; k++) for (const p of encodeDeliver({ from: `+1555077${i}00${k}`, text: `[in-${i}-${k}] hello ${s.id}`, reference: k })) await s.modemSim.deliverSms(p.hex);
        await s.mmscSim.submitFromHandset({ from: `+1555078${i}000`, to: s.number, subject: `[mms-in-${i}]`, parts: [{ contentType: 'text/plain', text: `picture for ${s.id}`, name: 'text.txt' }] });
      }
      for (const [i, s] of env.sims.entries()) {
        for (const marker of [`[in-${i}-0]`, `[in-${i}-1]`, `[mms-in-${i}]`]) {
          const [m] = await waitUntil(async () => { const x = await mailsWith(env.sink, marker); return x.length > 0 ? x : undefined; }, 60_000, `${marker} at the mailbox`, () => gw.store.jobs.counts());
          assert.deepEqual(m!.mail.envelopeTo, [ROUTE(s.id)], `${marker} goes to the route of ${s.number}`);
        }
        const rows = gw.store.db.prepare("SELECT kind, box, modem FROM messages WHERE direction = 'in' AND from_addr LIKE ?").all(`+155507_${i}%`) as { kind: string; box: string; modem: string }[];
        assert.equal(rows.length, 3, `three messages in on ${s.id}`);
        for (const r of rows) assert.deepEqual([r.box, r.modem], [s.number, s.id], `${r.kind} recorded with ${s.id}`);
      }
      // One sender's long SMS to two of the box's numbers, byte for byte the same (same reference,
      // same time stamp): two messages, one per receiving modem, neither taken for a duplicate.
      const twin = encodeDeliver({ from: '+15550776000', text: `[twin] ${'long text '.repeat(30)}`, reference: 77, scts: new Date('2026-12-07T04:00:00Z') });
      assert.ok(twin.length > 1, 'a concatenated SMS');
      for (const p of twin) await env.sims[0]!.modemSim.deliverSms(p.hex);
      for (const p of twin) await env.sims[2]!.modemSim.deliverSms(p.hex);
      await waitUntil(async () => (await mailsWith(env.sink, '[twin]')).length === 2, 30_000, 'both copies at the mailboxes', () => gw.store.jobs.counts());
      const twins = gw.store.db.prepare("SELECT modem, incomplete FROM messages WHERE from_addr = '+15550776000' ORDER BY modem").all();
      assert.deepEqual(twins, [{ modem: 'modem1', incomplete: 0 }, { modem: 'modem3', incomplete: 0 }]);
      assert.deepEqual((await mailsWith(env.sink, '[twin]')).map((m) => m.mail.envelopeTo[0]).sort(), [ROUTE('modem1'), ROUTE('modem3')]);
      // Each MMS was fetched from its own SIM's MMSC, once.
      for (const s of env.sims) assert.equal(s.mmscSim.notifyResps().length, 1, `${s.id}'s MMSC saw one notifyresp`);
    });

    await t.test('SMS out: spread over all three modems, each once; a reply leaves from the number that was written to; API from picks the modem', async () => {
      const dests = Array.from({ length: 9 }, (_, k) => `+1555031000${k}`);
      for (const d of dests) await mailTo(env, boxAddress(d), `[out-${d}]`);
      await waitUntil(async () => { const s = await allSubmitted(env); return dests.every((d) => s.some((x) => x.to === d)); }, 60_000, 'every SMS out');
      const s = await allSubmitted(env);
      for (const d of dests) assert.equal(s.filter((x) => x.to === d).length, 1, `${d} sent once`);
      const used = new Set(s.filter((x) => dests.includes(x.to)).map((x) => x.modem));
      assert.deepEqual([...used].sort(), ['modem1', 'modem2', 'modem3'], 'round-robin used every modem');
      // A reply to +1555077100 0 (who wrote to modem2) goes out through modem2.
      await mailTo(env, boxAddress('+15550771000'), '[reply-1]');
      const reply = await waitUntil(async () => (await allSubmitted(env)).find((x) => x.text.includes('[reply-1]')), 30_000, 'the reply');
      assert.equal(reply.modem, 'modem2');
      const r = await createSendService(env.config, gw.ctx).send({ to: ['+15550329999'], text: '[api-from]', origin: 'api:test', from: env.sims[2]!.number });
      assert.ok(r.ok, JSON.stringify(r));
      const viaApi = await waitUntil(async () => (await allSubmitted(env)).find((x) => x.text.includes('[api-from]')), 30_000, 'the API send');
      assert.equal(viaApi.modem, 'modem3');
      // A mail to box+<number>=<own number> goes out from that number.
      for (let k = 0; k < 3; k++) await mailTo(env, `box+1555032999${k}=${env.sims[0]!.number.slice(1)}@mmsgw.localhost`, `[mail-from-${k}]`);
      const viaMail = await waitUntil(async () => { const x = (await allSubmitted(env)).filter((y) => y.text.includes('[mail-from-')); return x.length === 3 ? x : undefined; }, 30_000, 'the mails asking for a sender');
      assert.deepEqual(viaMail.map((x) => x.modem), ['modem1', 'modem1', 'modem1']);
      const bad = await createSendService(env.config, gw.ctx).send({ to: ['+15550329998'], text: 'x', origin: 'api:test', from: '+15559999999' });
      assert.ok(!bad.ok && bad.error.code === 'bad-sender' && bad.error.field === 'from');
    });

    await t.test('outbound.modems.byPrefix: destinations with that prefix go through the named modem', async () => {
      for (let k = 0; k < 3; k++) await mailTo(env, boxAddress(`+155503900${k}`), `[prefix-${k}]`);
      const x = await waitUntil(async () => { const y = (await allSubmitted(env)).filter((z) => z.text.includes('[prefix-')); return y.length === 3 ? y : undefined; }, 30_000, 'the prefix sends');
      assert.deepEqual(x.map((y) => y.modem), ['modem3', 'modem3', 'modem3']);
    });

    await t.test('the API shows each modem, and the receiving modem of a message', async () => {
      const { token } = new TokensRepo(gw.store.db).create('multi', ['admin', 'read']);
      const st = (await (await fetch(`${gw.webUrl}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { modems: { id: string; number: string; port: string; health: { ok: boolean } }[] };
      assert.deepEqual(st.modems.map((m) => [m.id, m.number, m.port, m.health.ok]), env.sims.map((s) => [s.id, s.number, s.modemSim.path, true]));
      const id = gw.store.db.prepare("SELECT id FROM messages WHERE direction = 'in' AND modem = 'modem3' LIMIT 1").pluck().get() as number;
      const m = (await (await fetch(`${gw.webUrl}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { modem: string; box: string };
      assert.deepEqual([m.modem, m.box], ['modem3', env.sims[2]!.number]);
    });

    await t.test('modem2 unplugged mid-burst: its messages go out through the others; nothing lost, nothing doubled', async () => {
      const before = await allSubmitted(env);
      const dests = Array.from({ length: 24 }, (_, k) => `+155503200${String(k).padStart(2, '0')}`);
      const sending = (async () => { for (const d of dests) await mailTo(env, boxAddress(d), `[burst-${d}]`); })();
      // modem2's network answers AT+CMGS slowly: it is unplugged with a send on its wire.
      await env.sims[1]!.modemSim.configure({ submitMs: 3_000 });
      await waitUntil(async () => (await allSubmitted(env)).length - before.length >= 4, 60_000, 'the burst under way');
      await waitUntil(() => gw.store.db.prepare("SELECT COUNT(*) FROM submissions WHERE state = 'submitting' AND modem = 'modem2'").pluck().get() === 1, 60_000, "a send on modem2's wire");
      await env.sims[1]!.modemSim.unplug(600_000);
      await sending;
      const ids = gw.store.db.prepare(`SELECT m.id FROM messages m JOIN addresses a ON a.msg_id = m.id AND a.role = 'to' WHERE m.direction = 'out' AND a.normalized LIKE '+155503200%'`).pluck().all() as number[];
      assert.equal(ids.length, dests.length, 'every mail queued a message');
      const states = (): string[] => ids.map((id) => gw.store.messages.get(id)!.state);
      await waitUntil(() => states().every((s) => s === 'sent' || s === 'held'), 120_000, 'every burst message sent or held', () => states());
      const after = await allSubmitted(env);
      const sentBy = (d: string): string[] => after.filter((x) => x.to === d).map((x) => x.modem);
      for (const id of ids) {
        const to = gw.store.messages.addresses(id).find((a) => a.role === 'to')!.normalized;
        const state = gw.store.messages.get(id)!.state;
        const n = sentBy(to).length;
        if (state === 'sent') assert.equal(n, 1, `${to} sent exactly once (through ${sentBy(to).join(', ')})`);
        // Held: its PDU went to modem2 as it was unplugged; it may or may not be out, and is not sent again.
        else {
          assert.ok(n <= 1 && sentBy(to).every((m) => m === 'modem2'), `${to} held, sent at most once, only by modem2`);
          const sub = gw.store.db.prepare('SELECT modem, uncertain, resolution FROM submissions WHERE msg_id = ?').get(id);
          assert.deepEqual(sub, { modem: 'modem2', uncertain: 1, resolution: 'held' }, 'the uncertain part is recorded with the modem it went to');
          assert.equal(gw.store.modemLinks.messageModem(id), 'modem2', 'a held send is not moved to another modem');
        }
      }
      assert.equal(states().filter((s) => s === 'held').length, 1, 'the send on the wire is uncertain and held');
      const late = after.filter((x) => dests.includes(x.to) && x.modem !== 'modem2').length;
      assert.ok(late > 0, 'modem1 and modem3 took over');
      assert.ok(gw.modemViews().find((v) => v.id === 'modem2')?.health.ok === false, 'modem2 shows unhealthy');
      if (process.env.MMSGW_TEST_DEBUG) console.error({ held: states().filter((s) => s === 'held').length, byModem: after.filter((x) => dests.includes(x.to)).map((x) => x.modem), moved: gw.store.db.prepare("SELECT detail FROM events WHERE kind = 'send-modem' AND json_extract(detail, '$.previous') IS NOT NULL").pluck().all() });
      // Traffic in continues on the others.
      for (const p of encodeDeliver({ from: '+15550779999', text: '[in-after-unplug]', reference: 9 })) await env.sims[2]!.modemSim.deliverSms(p.hex);
      const [m] = await waitUntil(async () => { const x = await mailsWith(env.sink, '[in-after-unplug]'); return x.length > 0 ? x : undefined; }, 30_000, 'SMS in after the unplug');
      assert.deepEqual(m!.mail.envelopeTo, [ROUTE('modem3')]);
    });
  } finally {
    await env.stop();
  }
});
