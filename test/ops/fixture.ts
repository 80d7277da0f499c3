import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMms } from '../../src/codec/mms/index.js';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { mmsAddress, mmsPdu } from '../../src/sim/mmsc/pdus.js';
import { openStore, type Store } from '../../src/store/index.js';

/** Subject with an ANSI colour, an OSC window title and a BEL: what a hostile sender can put in. */
export const HOSTILE_SUBJECT = '\u001b[31mRED\u001b]0;owned\u0007 \u009b2J after';

export interface Fixture {
  readonly dir: string;
  readonly mmsId: number;
  readonly smsId: number;
  readonly deadJobId: number;
  readonly quarantineId: number;
  cleanup(): void;
}

export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

/**
 * A state directory as the gateway leaves it: a relayed MMS (kept m-retrieve-conf whose
 * stored parts are stale), a relayed two-part SMS, a dead relay job, a quarantined PDU.
 */
export async function buildFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-ops-'));
  const store = openStore({ stateDir: dir, synchronous: 'NORMAL' });
  try {
    const mmsId = await addMms(store);
    const smsId = addSms(store);
    const dead = store.jobs.enqueue({ kind: 'relay', key: `relay:${smsId}`, payload: { msgId: smsId } }, T0);
    store.jobs.claim(T0 + 1);
    store.jobs.dead(dead.job.id, 'MAIL_REJECTED: 550 mailbox unavailable', T0 + 2);
    const q = store.intake.quarantine({ source: 'sms', bytes: Buffer.from('07919471000000f00409', 'hex'), errorCode: 'SMS_TRUNCATED', errorField: 'TP-OA', errorOffset: 3, message: 'address runs past the end\u001b[2J', at: T0 });
    return { dir, mmsId, smsId, deadJobId: dead.job.id, quarantineId: q.id, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    store.close();
  }
}

export function retrieveConf(): Uint8Array {
  return encodeMms(
    mmsPdu({
      messageType: 'm-retrieve-conf',
      transactionId: 'tx-1',
      mmsVersion: '1.2',
      messageId: 'mid-1@mmsc',
      date: new Date(T0),
      from: mmsAddress('+4915112345678'),
      to: [mmsAddress('+4917000000001')],
      subject: HOSTILE_SUBJECT,
      contentType: { mediaType: 'application/vnd.wap.multipart.mixed', params: {} },
      parts: [
        { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', name: 'hello.txt', body: Buffer.from('hello there') },
        { contentType: 'image/jpeg', params: {}, name: 'pic.jpg', body: Buffer.alloc(10_000, 7) },
      ],
    }),
  );
}

async function addMms(store: Store): Promise<number> {
  const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieved', from: '+4915112345678/TYPE=PLMN', to: ['+4917000000001'], subject: HOSTILE_SUBJECT, transactionId: 'tx-1', at: T0 });
  await store.saveRawPdu({ kind: 'mms-retrieve-conf', body: retrieveConf(), msgId: m.id, receivedAt: T0, source: 'mmsc' });
  // What an older decoder made of it: one opaque part.
  await store.saveParts(m.id, [{ contentType: 'application/octet-stream', body: Buffer.from('garbled') }]);
  store.events.add(m.id, 'push-received', { transactionId: 'tx-1' }, T0);
  store.events.add(m.id, 'retrieved', { parts: 1 }, T0 + 10);
  const job = store.jobs.enqueue({ kind: 'relay', key: `relay:${m.id}`, payload: { msgId: m.id } }, T0);
  store.jobs.claim(T0 + 20);
  const { relay } = store.relays.ensure(m.id, 'ops@example.org', '<mmsgw.mms.abc-1.4917000000001@example.org>', T0 + 20);
  store.relays.markSent(relay.id, '250 2.0.0 Ok: queued as 1234', T0 + 30);
  store.events.add(m.id, 'relayed', { mailbox: 'ops@example.org' }, T0 + 30);
  store.messages.setState(m.id, 'relayed', T0 + 30);
  store.jobs.complete(job.job.id, T0 + 30);
  return m.id;
}

function addSms(store: Store): number {
  const pdus = encodeDeliver({ from: '+4915199999999', text: 'x'.repeat(200), scts: new Date(T0), reference: 42 });
  const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'relayed', from: '+4915199999999', to: ['+4917000000001'], date: T0, at: T0 + 100 });
  pdus.forEach((p, i) => {
    const r = store.intake.recordSms({ kind: 'sms-deliver', pdu: p.hex, receivedAt: T0 + i });
    store.content.linkRawPdu(r.rawPduId, m.id);
  });
  store.content.replaceParts(m.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from('stale') }]);
  store.events.add(m.id, 'sms-received', { parts: pdus.length, missing: [] }, T0 + 100);
  return m.id;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/mmsgw.mjs …` from the sources (MMSGW_DEV=1). */
export function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mmsgw.mjs', ...args], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, MMSGW_DEV: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
