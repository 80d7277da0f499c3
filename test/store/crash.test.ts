import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/index.js';
import { tempDir } from './helpers.js';

const CHILD = new URL('./crash-child.ts', import.meta.url).pathname;

test('everything reported committed survives kill -9 of the writer', { timeout: 20_000 }, async () => {
  const t = tempDir();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, t.dir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MMSGW_LOG_LEVEL: 'silent' } });
    const sms: { id: number; pdu: string }[] = [];
    const parts: { id: number; sha256: string }[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      const [kind, id, extra] = line.split(' ');
      if (kind === 'sms') sms.push({ id: Number(id), pdu: extra ?? '' });
      if (kind === 'part') parts.push({ id: Number(id), sha256: extra ?? '' });
      if (sms.length >= 20 && parts.length >= 3) {
        child.kill('SIGKILL');
        break;
      }
    }
    await exited;
    assert.ok(sms.length >= 20 && parts.length >= 3, 'the writer was still running when it was killed');

    const store = openStore({ stateDir: t.dir, integrityCheck: 'full' });
    try {
      for (const s of sms) {
        const raw = store.content.rawPdu(s.id);
        assert.ok(raw, `raw PDU ${s.id} was reported committed`);
        assert.equal(Buffer.from(await store.content.rawPduBody(raw)).toString('hex'), s.pdu);
      }
      assert.ok(store.intake.allOpenSegments().length >= sms.length);
      for (const p of parts) {
        const row = store.content.part(p.id);
        assert.equal(row?.sha256, p.sha256);
        await store.content.partBody(row); // the file is complete: its hash matches
      }
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});
