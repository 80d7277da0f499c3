import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxAddress, waitUntil } from '../helpers/e2e.js';
import { mailTo, startMulti, submitted } from '../helpers/multi-modem.js';

/**
 * Failover under `outbound.uncertain: resend` (the default for SMS): a modem unplugged in the
 * middle of a burst; the send that was on its wire is flagged uncertain and sent again through
 * another modem — never silently: only a flagged send may reach a recipient twice, every other
 * message goes out exactly once, none is lost.
 */
test('a modem unplugged mid-burst with outbound.uncertain resend: only flagged sends may be doubled, nothing lost', { timeout: 180_000 }, async () => {
  const env = await startMulti(3);
  try {
    const gw = env.gateway;
    await waitUntil(() => gw.modemViews().length === 3 && gw.modemViews().every((v) => v.health.ok), 60_000, 'three modems ready');
    const dests = Array.from({ length: 24 }, (_, k) => `+155503300${String(k).padStart(2, '0')}`);
    const count = async (): Promise<{ modem: string; to: string }[]> => (await Promise.all(env.sims.map(async (s) => (await submitted(s)).map((x) => ({ modem: s.id, to: x.to }))))).flat();
    const sending = (async () => { for (const d of dests) await mailTo(env, boxAddress(d), `[resend-${d}]`); })();
    // modem1's network answers AT+CMGS slowly: it is unplugged with a send on its wire.
    await env.sims[0]!.modemSim.configure({ submitMs: 3_000 });
    await waitUntil(async () => (await count()).length >= 4, 60_000, 'the burst under way');
    await waitUntil(() => gw.store.db.prepare("SELECT COUNT(*) FROM submissions WHERE state = 'submitting' AND modem = 'modem1'").pluck().get() === 1, 60_000, 'a send on modem1\'s wire');
    await env.sims[0]!.modemSim.unplug(600_000);
    await sending;
    const ids = gw.store.db.prepare(`SELECT m.id FROM messages m JOIN addresses a ON a.msg_id = m.id AND a.role = 'to' WHERE m.direction = 'out' AND a.normalized LIKE '+155503300%'`).pluck().all() as number[];
    assert.equal(ids.length, dests.length);
    await waitUntil(() => ids.every((id) => gw.store.messages.get(id)?.state === 'sent'), 120_000, 'every burst message sent', () => ids.map((id) => gw.store.messages.get(id)?.state));
    const sent = await count();
    let flagged = 0;
    for (const id of ids) {
      const to = gw.store.messages.addresses(id).find((a) => a.role === 'to')!.normalized;
      const n = sent.filter((x) => x.to === to).length;
      const uncertain = gw.store.submissions.ofMessage(id).some((r) => r.uncertain > 0 && r.resolution === 'resent');
      if (uncertain) {
        flagged++;
        assert.ok(n >= 1 && n <= 2, `${to}: resent after an uncertain send, ${n} copies`);
        assert.ok(gw.store.events.ofMessage(id).some((e) => e.kind === 'submit-uncertain'), `${to}: the uncertain send is in its timeline`);
      } else assert.equal(n, 1, `${to} sent exactly once`);
    }
    assert.equal(flagged, 1, 'the send on the wire was uncertain, and resent flagged');
    if (process.env.MMSGW_TEST_DEBUG) console.error({ flagged, byModem: sent.filter((x) => dests.includes(x.to)).map((x) => x.modem) });
    assert.ok(sent.some((x) => dests.includes(x.to) && x.modem !== 'modem1'), 'the other modems took over');
  } finally {
    await env.stop();
  }
});
