/**
 * The demo driver injects its four streams (handset MMS, SMS, mails, MM7) at once, and still
 * counts exactly: a mail the network loses on its way to the mailbox is one loss, one it
 * delivers twice is one duplicate. Its summary carries a phase timeline whose times are in
 * the order the messages' lives impose (a message is delivered after it was sent, reported
 * after it reached the MMSC, everything within the run).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { drive } from '../../src/demo/drive.js';
import { startDemo } from '../../src/demo/environment.js';
import type { DemoNetwork } from '../../src/demo/network.js';

describe('demo driver: concurrent injection', { timeout: 240_000 }, () => {
  it('injects the streams at once, counts one lost and one duplicated mail exactly, and orders its timeline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-conc-'));
    const env = await startDemo({ stateDir: dir, baudRate: 0, web: false });
    try {
      const real = env.net;
      const vasp = real.vasp;
      assert.ok(vasp);
      let firstMm7Submit: number | undefined;
      let lastMmsInjected = 0;
      // The network as the driver sees it: the mail of [demo-sms-1] never reaches the mailbox,
      // the mail of [demo-mms-2] reaches it twice.
      const net: DemoNetwork = {
        modem: real.modem,
        submitMms: async (input) => {
          const id = await real.submitMms(input);
          lastMmsInjected = Math.max(lastMmsInjected, Date.now());
          return id;
        },
        mmsSent: (since) => real.mmsSent(since),
        mails: async (since) => (await real.mails(since)).flatMap((m) => (m.subject.includes('[demo-sms-1]') ? [] : m.subject.includes('[demo-mms-2]') ? [m, m] : [m])),
        vasp: {
          submit: (o) => {
            firstMm7Submit ??= Date.now();
            return vasp.submit(o);
          },
          received: (since) => vasp.received(since),
          useBox: (url) => vasp.useBox(url),
        },
        close: () => real.close(),
      };
      const s = await drive({ ...env, net }, { messages: 3, timeoutMs: 35_000 });
      assert.equal(s.lost, 1, JSON.stringify(s));
      assert.equal(s.duplicates, 1, JSON.stringify(s));
      assert.equal(s.smsIn.relayed, 2);
      assert.equal(s.mmsIn.relayed, 3);
      assert.deepEqual(s.emailOut, { sent: 3, submitted: 3, delivered: 3 });
      assert.deepEqual(s.mm7, { submitted: 3, delivered: 3, reports: 3, incoming: 6, duplicates: 0 });
      assert.ok(firstMm7Submit !== undefined && firstMm7Submit <= lastMmsInjected, 'MM7 submissions began while handset MMS were still being injected');

      const t = s.timeline;
      const injected = [t.injected.mms, t.injected.sms, t.injected.mail, t.injected.mm7];
      for (const x of injected) assert.ok(typeof x === 'number' && x >= 0 && x <= t.injectionEndedMs, JSON.stringify(t));
      assert.equal(t.injectionEndedMs, Math.max(...(injected as number[])));
      assert.ok(t.injectionEndedMs <= s.elapsedMs);
      for (const [k, v] of Object.entries(t.last)) assert.ok(typeof v === 'number' && v >= 0 && v <= s.elapsedMs, `${k}: ${JSON.stringify(t)} elapsed ${s.elapsedMs}`);
      const last = t.last as Record<keyof typeof t.last, number>;
      assert.ok(last.submitted <= last.delivered, `the last mail sent out was delivered after it was sent: ${JSON.stringify(t)}`);
      assert.ok(t.firstMm7Reported !== null && t.firstMm7Reported <= last.mm7Reported, JSON.stringify(t));
      assert.ok(last.mm7AtMmsc <= last.mm7Reported, `the last MM7 message was reported after it reached the MMSC: ${JSON.stringify(t)}`);
    } finally {
      await env.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
