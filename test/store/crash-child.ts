/**
 * Child process of crash.test.ts: records SMS and MMS parts as fast as it can and prints
 * the ids of each as soon as the store call returned (= committed), until it is killed.
 */
import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/index.js';

const stateDir = process.argv[2];
if (!stateDir) throw new Error('usage: crash-child <stateDir>');
const store = openStore({ stateDir });

async function main(): Promise<void> {
  for (let i = 0; ; i++) {
    const pdu = `0791${(i >>> 0).toString(16).padStart(8, '0')}`;
    const r = store.intake.recordSms({ kind: 'sms-deliver', pdu, receivedAt: Date.now(), segment: { originator: '+1555', ref: i & 0xff, total: 2, seq: 1 } });
    process.stdout.write(`sms ${r.rawPduId} ${pdu}\n`);
    if (i % 5 === 0) {
      const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'retrieving' });
      const parts = await store.saveParts(m.id, [{ contentType: 'image/jpeg', body: randomBytes(64 * 1024) }]);
      process.stdout.write(`part ${parts[0]?.id ?? 0} ${parts[0]?.sha256 ?? ''}\n`);
    }
  }
}
void main();
