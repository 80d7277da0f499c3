import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { OWN_NUMBER, waitUntil, withE2e } from '../helpers/e2e.js';

/**
 * The web interface must never stop the messages: with its port taken the gateway still starts
 * and relays, without the web interface (and says so in its log).
 */
test('the gateway runs and relays when the web port is taken', { timeout: 60_000 }, async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as AddressInfo).port;
  try {
    await withE2e({ configure: (c) => ({ ...c, web: { enabled: true, host: '127.0.0.1', port } }) }, async (env) => {
      assert.equal(env.gateway.webUrl, undefined, 'no web interface');
      await env.mmscSim.submitFromHandset({ from: '+15550400001', to: OWN_NUMBER, parts: [{ contentType: 'text/plain', text: 'still flowing', name: 't.txt' }] });
      await waitUntil(() => env.gateway.store.messages.list({ direction: 'in', address: '+15550400001' }).some((m) => m.state === 'relayed'), 20_000, 'the MMS relayed');
    });
  } finally {
    blocker.close();
  }
});

/**
 * One listener carries the pages, the REST API, MM7 and /metrics. The exposition text is read
 * by the strict parser of the Prometheus text format in test/fleet/exposition.ts.
 */
test('the running gateway serves /metrics on its web listener when metrics.enabled, and not otherwise', { timeout: 60_000 }, async () => {
  const { parseExposition } = await import('../fleet/exposition.js');
  for (const enabled of [true, false]) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await withE2e({ configure: (c) => ({ ...c, web: { enabled: true, host: '127.0.0.1', port }, metrics: { enabled } }) }, async (env) => {
      assert.ok(env.gateway.webUrl, 'the web interface runs');
      const res = await fetch(`${env.gateway.webUrl}/metrics`);
      if (!enabled) {
        assert.equal(res.status, 404);
        return;
      }
      assert.equal(res.status, 200);
      const families = parseExposition(await res.text());
      assert.ok(families.has('mmsgw_modem_up'), 'the modem gauge is exported');
      // The REST API shares the listener and still asks for its token.
      assert.equal((await fetch(`${env.gateway.webUrl}/api/v1/status`)).status, 401);
    });
  }
});

/**
 * IMAP failures the intake retries by itself are counted, so an alert can fire on a mailbox
 * the box cannot read. The IMAP server here is a loopback port nobody listens on.
 */
test('/metrics counts IMAP intake failures under mmsgw_mail_errors_total{protocol="imap"}', { timeout: 60_000 }, async () => {
  const { parseExposition } = await import('../fleet/exposition.js');
  const free = (): Promise<number> =>
    new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
  const [webPort, imapPort] = [await free(), await free()];
  await withE2e(
    {
      configure: (c) => ({
        ...c,
        web: { enabled: true, host: '127.0.0.1', port: webPort },
        metrics: { enabled: true },
        mail: { ...c.mail, in: { ...c.mail?.in, imap: { ...c.mail?.in?.imap, enabled: true, host: '127.0.0.1', port: imapPort, tls: false, user: 'box', password: 'secret' }, authorisation: { ...c.mail?.in?.authorisation, authservId: 'mx.example.net' } } },
      }),
    },
    async (env) => {
      const imapErrors = async (): Promise<number> => {
        const families = parseExposition(await (await fetch(`${env.gateway.webUrl}/metrics`)).text());
        return families.get('mmsgw_mail_errors_total')?.samples.find((s) => s.labels['protocol'] === 'imap')?.value ?? Number.NaN;
      };
      let seen = 0;
      await waitUntil(async () => (seen = await imapErrors()) >= 1, 20_000, 'an IMAP connection failure counted');
      assert.ok(seen >= 1);
    },
  );
});
