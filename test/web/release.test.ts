import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseQuarantined } from '../../src/app/web.js';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { openStore } from '../../src/store/index.js';
import { logger } from '../../src/util/log.js';

/**
 * Releasing a quarantined SMS from the web interface: its PDU goes through the receive path
 * again. One that decodes now (as after a decoder fix) is recorded with its assemble job and
 * leaves the quarantine; one that still does not stays, once; other sources are refused.
 */
test('quarantined SMS released through the receive path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-release-'));
  const store = openStore({ stateDir: dir });
  try {
    const ctx: PipelineContext = { store, log: logger('test'), enqueue: (j) => void store.jobs.enqueue(j), now: Date.now, ownNumber: '+15550100001' };
    const [pdu] = encodeDeliver({ from: '+15550500001', text: 'kept while the decoder was wrong' });
    assert.ok(pdu);
    const good = store.intake.quarantine({ source: 'sms', bytes: Buffer.from(pdu.hex, 'hex'), errorCode: 'CODEC_OLD_BUG', message: 'refused by an older decoder' });
    const bad = store.intake.quarantine({ source: 'sms', bytes: Buffer.from('07911326040000F0040B911346610089F60000', 'hex'), errorCode: 'CODEC_TRUNCATED', message: 'truncated' });
    const mail = store.intake.quarantine({ source: 'email:smtp', bytes: Buffer.from('From: x\r\n\r\nhi'), errorCode: 'MAIL_SENDER_UNKNOWN', message: 'unknown sender' });

    const r1 = releaseQuarantined(ctx, good.id);
    assert.equal(r1.ok, true, r1.detail);
    assert.equal(store.intake.quarantined(good.id), undefined, 'released entry removed');
    const raw = store.db.prepare("SELECT id FROM raw_pdus WHERE kind = 'sms-deliver'").pluck().all() as number[];
    assert.equal(raw.length, 1);
    assert.ok(store.jobs.list().some((j) => j.key === `sms:${raw[0]}`), 'the assemble job is queued');

    const before = store.intake.listQuarantine().length;
    const r2 = releaseQuarantined(ctx, bad.id);
    assert.equal(r2.ok, false);
    assert.match(r2.detail, /still undecodable/);
    assert.ok(store.intake.quarantined(bad.id), 'still quarantined');
    assert.equal(store.intake.listQuarantine().length, before, 'no second entry');

    const r3 = releaseQuarantined(ctx, mail.id);
    assert.equal(r3.ok, false);
    assert.match(r3.detail, /only SMS/);
    assert.ok(store.intake.quarantined(mail.id));
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
