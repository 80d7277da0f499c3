/**
 * The demo driven by hand, as docs/SIMULATOR.md tells a newcomer: a real `mmsgw demo` process,
 * its simulators' control interfaces at fixed places under the state directory (listed in
 * endpoints.json), and `mmsgw demo send sms|mms|mail` from "another terminal" (another process),
 * each saying what happened. The mails are read back with Python's email package.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { groupEmpties, killGroup, MMSGW, mmsgw, processGroup, pythonParse, startDetached, ROOT } from './process.js';

const JPEG = join(ROOT, 'docs/img/mail-mms.jpg');

describe('demo driven by hand from another terminal', { timeout: 300_000 }, () => {
  it('lists the control sockets under <state-dir>/sim/, answers /_sim/, and demo send sms|mms|mail say where each message went', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-hand-'));
    const demo = await startDetached(process.execPath, [MMSGW, 'demo', '--state-dir', dir, '--baud', '0'], /Press Ctrl-C to stop/);
    const pgid = demo.child.pid!;
    try {
      const endpoints = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as { simulators: { modem: { control: string; pty: string }; mmsc: { control: string; controlSocket: string }; mailSink: { control: string; mailbox: string }; vasp: { control: string } } };
      const s = endpoints.simulators;
      assert.deepEqual([s.modem.control, s.mmsc.controlSocket, s.mailSink.control, s.vasp.control], ['modem.sock', 'mmsc.sock', 'mail.sock', 'vasp.sock'].map((f) => join(dir, 'sim', f)));
      for (const sock of [s.modem.control, s.mmsc.controlSocket, s.mailSink.control, s.vasp.control]) assert.ok(statSync(sock).isSocket(), `${sock} is a socket`);
      assert.equal(s.mailSink.mailbox, join(dir, 'mailbox'));
      assert.match(demo.stdout(), new RegExp(`control socket ${join(dir, 'sim', 'modem.sock').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), 'the banner names the fixed control socket');
      // The banner's control URL answers (it was a 404).
      const index = await fetch(s.mmsc.control);
      assert.equal(index.status, 200);
      assert.ok(((await index.json()) as { control: string[] }).control.includes('POST /_sim/submit'));

      const sms = mmsgw(['demo', 'send', 'sms', '--state-dir', dir, '--from', '+4915112345678', '--text', 'Grüße aus Köln, 5 €']);
      assert.equal(sms.code, 0, sms.err);
      const smsLine = /^SMS from \+49 1511 2345678 → (mailbox\/\d{6}\.eml)\n$/.exec(sms.out);
      assert.ok(smsLine, `what happened: ${sms.out}`);
      const smsMail = pythonParse(readFileSync(join(dir, smsLine[1]!)));
      assert.deepEqual(smsMail.defects, []);
      assert.match(smsMail.headers.from?.[0] ?? '', /4915112345678/);
      assert.ok(smsMail.parts.some((p) => p.content_type === 'text/plain' && (p.text ?? '').includes('Grüße aus Köln, 5 €')), JSON.stringify(smsMail.parts));

      const mms = mmsgw(['demo', 'send', 'mms', '--state-dir', dir, '--from', '+15550100200', '--image', JPEG, '--text', 'Look at this', '--json']);
      assert.equal(mms.code, 0, mms.err);
      const mmsResult = JSON.parse(mms.out) as { kind: string; mail: { path: string } };
      assert.equal(mmsResult.kind, 'mms');
      assert.match(mmsResult.mail.path, /^mailbox\/\d{6}\.eml$/);
      const mmsMail = pythonParse(readFileSync(join(dir, mmsResult.mail.path)));
      const picture = mmsMail.parts.find((p) => p.content_type === 'image/jpeg');
      assert.ok(picture, `an image/jpeg part: ${JSON.stringify(mmsMail.parts.map((p) => p.content_type))}`);
      assert.equal(picture.sha256, createHash('sha256').update(readFileSync(JPEG)).digest('hex'), 'the picture arrives byte for byte');
      assert.ok(mmsMail.parts.some((p) => (p.text ?? '').includes('Look at this')));

      const mail = mmsgw(['demo', 'send', 'mail', '--state-dir', dir, '--to', '+15550100300', '--text', 'On my way', '--json']);
      assert.equal(mail.code, 0, mail.err);
      const mailResult = JSON.parse(mail.out) as { as: string; sent: boolean; delivered: boolean; report: { path: string } };
      assert.deepEqual([mailResult.as, mailResult.sent, mailResult.delivered], ['sms', true, true]);
      const notice = pythonParse(readFileSync(join(dir, mailResult.report.path)));
      assert.match(notice.headers.subject?.[0] ?? '', /^Delivered: .*to \+15550100300/);
      const human = mmsgw(['demo', 'send', 'mail', '--state-dir', dir, '--to', '+15550100300', '--text', 'Picture', '--image', JPEG]);
      assert.equal(human.code, 0, human.err);
      assert.match(human.out, /^mail → MMS to \+1 555 010 0300 sent, delivered \(notice mailbox\/\d{6}\.eml\)\n$/);

      // Usage errors exit 2 and name the flag; a state dir without a demo exits 1 and says so.
      const bad = mmsgw(['demo', 'send', 'sms', '--state-dir', dir, '--from', 'nobody', '--text', 'x']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--from/);
      const none = mmsgw(['demo', 'send', 'sms', '--state-dir', join(dir, 'nothing'), '--from', '+15550100300', '--text', 'x']);
      assert.equal(none.code, 1);
      assert.match(none.err, /no running demo/);

      // The seeded conversation carries real media: a picture and an audio clip, non-empty.
      const seeded = readdirSync(join(dir, 'mailbox')).map((f) => pythonParse(readFileSync(join(dir, 'mailbox', f)))).find((m) => m.headers.subject?.[0]?.includes('Sunset at the lake'));
      assert.ok(seeded, 'the seeded MMS reached the mailbox');
      assert.ok(seeded.parts.some((p) => p.content_type === 'image/jpeg' && p.size > 1000), JSON.stringify(seeded.parts.map((p) => [p.content_type, p.size])));
      assert.ok(seeded.parts.some((p) => p.content_type === 'audio/wav' && p.size > 1000), JSON.stringify(seeded.parts.map((p) => [p.content_type, p.size])));

      process.kill(pgid, 'SIGTERM');
      assert.equal((await demo.exited).code, 0);
      assert.ok(await groupEmpties(pgid, 20_000), `left behind: ${JSON.stringify(processGroup(pgid))}`);
      assert.equal(existsSync(s.modem.control) || existsSync(s.mailSink.control), false, 'the control sockets are removed');
      const stopped = mmsgw(['demo', 'send', 'sms', '--state-dir', dir, '--from', '+15550100300', '--text', 'x']);
      assert.equal(stopped.code, 1);
      assert.match(stopped.err, /is not running/);
    } finally {
      killGroup(pgid);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
