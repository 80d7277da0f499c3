/**
 * `mmsgw backup` of a running box, then `mmsgw restore` into a new state directory: every
 * message and every part file is there, byte for byte. Run through the real command line
 * (bin/mmsgw.mjs) against a gateway on real parts; the restored database is read back with
 * plain SQL and the part files are hashed independently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { OWN_NUMBER, mailsWith, waitUntil, withE2e } from '../helpers/e2e.js';

const root = new URL('../..', import.meta.url).pathname;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, 'bin/mmsgw.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn', MMSGW_TEST: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface PartRow {
  msg_id: number;
  seq: number;
  sha256: string;
  inline_body: Buffer | null;
  blob_path: string | null;
}

test('the owner reads a running box (messages, show, status), backs it up and restores it into a new state dir: every message and part file is there', { timeout: 120_000 }, async () => {
  await withE2e({}, async (env) => {
    const markers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const marker = `[restore-mms-${i}]`;
      markers.push(marker);
      await env.mmscSim.submitFromHandset({
        from: `+1555040000${i}`,
        to: OWN_NUMBER,
        subject: marker,
        parts: [
          { contentType: 'text/plain', text: `${marker} text`, charset: 'utf-8', name: 't.txt' },
          { contentType: 'image/jpeg', body: randomBytes(40_000 + i), name: 'big.jpg' },
        ],
      });
    }
    for (let i = 0; i < 3; i++) {
      const marker = `[restore-sms-${i}]`;
      markers.push(marker);
      for (const p of encodeDeliver({ from: `+1555041000${i}`, text: `${marker} hello`, reference: 40 + i })) await env.modemSim.deliverSms(p.hex);
    }
    await waitUntil(async () => {
      for (const m of markers) if ((await mailsWith(env.sink, m)).length === 0) return false;
      return true;
    }, 60_000, 'every message relayed');

    const state = env.config.stateDir;

    // What the owner sees of the running box, in its own zone and country.
    const cfgFile = join(env.dir, 'owner.yaml');
    writeFileSync(cfgFile, `stateDir: ${JSON.stringify(state)}\nbox:\n  countryCode: "1"\n  timeZone: Asia/Kolkata\n`);
    const list = cli(['messages', '--config', cfgFile]);
    assert.equal(list.status, 0, list.stderr);
    const smsLine = list.stdout.split('\n').find((l) => l.includes('[restore-sms-0] hello'));
    assert.ok(smsLine !== undefined, `an SMS shows its text in place of a subject:\n${list.stdout}`);
    assert.match(smsLine, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30/, 'local time with its offset');
    assert.ok(smsLine.includes('(555) 041-0000'), `the sender formatted for the box's country: ${smsLine}`);
    const smsId = smsLine.trim().split(/\s+/)[0] ?? '';
    const shown = cli(['show', smsId, '--config', cfgFile]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /\ntext\n  \[restore-sms-0\] hello\n/);
    const status = await waitUntil(() => {
      const r = cli(['status', '--config', cfgFile]);
      return r.status === 0 && /network  (home|roaming)/.test(r.stdout) ? r.stdout : undefined;
    }, 30_000, 'status shows the modem');
    for (const want of [/modem      ready|modem      \w+, as of/, /signal   (RSSI|RSRP|CSQ)/, /SMS      \d+ of \d+ used/, /queues     /, /storage    \d+ part files/]) assert.match(status, want);
    const statusJson = JSON.parse(cli(['status', '--state-dir', state, '--json']).stdout) as { modem: { registration: string } | null; queues: Record<string, number> };
    assert.ok(statusJson.modem !== null && typeof statusJson.queues === 'object');

    const backupDir = join(env.dir, 'backup');
    const dest = join(backupDir, 'mmsgw.db');
    mkdirSync(backupDir, { recursive: true });
    // The gateway keeps running: backup, then the blobs, as docs/OPERATIONS.md says.
    const b = cli(['backup', dest, '--state-dir', state]);
    assert.equal(b.status, 0, b.stderr);
    cpSync(join(state, 'blobs'), join(backupDir, 'blobs'), { recursive: true });

    const original = new Database(dest, { readonly: true });
    const msgIds = (original.prepare('SELECT id FROM messages ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const parts = original.prepare('SELECT msg_id, seq, sha256, inline_body, blob_path FROM parts ORDER BY msg_id, seq').all() as PartRow[];
    original.close();
    assert.ok(msgIds.length >= 5, `messages in the backup: ${msgIds.length}`);
    assert.ok(parts.filter((p) => p.blob_path !== null).length >= 2, 'the big pictures are part files');

    // Missing part files: refused, and nothing restored.
    const empty = join(env.dir, 'empty-blobs');
    mkdirSync(empty);
    const fresh0 = join(env.dir, 'restored-0');
    const r0 = cli(['restore', dest, '--state-dir', fresh0, '--blobs', empty]);
    assert.equal(r0.status, 1, r0.stderr);
    assert.match(r0.stderr, /missing or damaged/);
    assert.ok(!existsSync(join(fresh0, 'mmsgw.db')), 'no database without its part files');

    const fresh = join(env.dir, 'restored');
    const r = cli(['restore', dest, '--state-dir', fresh, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { messages: number; blobsReferenced: number; blobsCopied: number };
    assert.equal(summary.messages, msgIds.length);
    assert.equal(summary.blobsCopied, summary.blobsReferenced);

    const restored = new Database(join(fresh, 'mmsgw.db'), { readonly: true });
    const gotIds = (restored.prepare('SELECT id FROM messages ORDER BY id').all() as { id: number }[]).map((x) => x.id);
    const gotParts = restored.prepare('SELECT msg_id, seq, sha256, inline_body, blob_path FROM parts ORDER BY msg_id, seq').all() as PartRow[];
    const subjects = (restored.prepare("SELECT subject FROM messages WHERE subject LIKE '[restore-%'").all() as { subject: string }[]).map((x) => x.subject);
    restored.close();
    assert.deepEqual(gotIds, msgIds);
    assert.equal(gotParts.length, parts.length);
    for (const p of gotParts) {
      const body = p.blob_path === null ? p.inline_body : readFileSync(join(fresh, p.blob_path));
      assert.ok(body !== null && sha(body) === p.sha256, `part ${p.msg_id}/${p.seq} intact`);
    }
    assert.deepEqual(subjects.sort(), ['[restore-mms-0]', '[restore-mms-1]']);

    // The restored box reads like the original through the command line.
    const show = cli(['messages', '--state-dir', fresh, '--json']);
    assert.equal(show.status, 0, show.stderr);
    // Restoring over an existing database is refused.
    const again = cli(['restore', dest, '--state-dir', fresh]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists already/);
  });
});
