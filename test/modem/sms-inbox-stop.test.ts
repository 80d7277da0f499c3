import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AtError } from '../../src/at/errors.js';
import type { AtChannel } from '../../src/at/index.js';
import { SmsInbox } from '../../src/modem/sms-inbox.js';

/**
 * A gateway that stops while the inbox is deleting a message (AT+CMGD) sees the port close under
 * the step. That is a normal stop, not a failure: no error line, no retry timer left behind, and
 * the message stays on the SIM to be read at the next start. (Seen in `demo --messages` runs:
 * "SMS inbox step failed" at level 50 on every clean stop.)
 */
test('a step cut short by closing the modem logs no error and schedules no retry', async () => {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let asked = false;
  const channel = {
    run: async (cmd: { line?: string } | unknown) => {
      asked = true;
      await gate;
      throw new AtError('AT_PORT_CLOSED', 'the AT port closed', { command: String((cmd as { line?: string }).line ?? 'AT+CMGL=4') });
    },
  } as unknown as AtChannel;
  const inbox = new SmsInbox({ channel, log, storages: ['ME'], mem1: 'ME', ackRequired: false, restoreRouting: async () => undefined, retryMs: 10 });
  inbox.setHandler(async () => undefined);
  while (!asked) await new Promise((r) => setTimeout(r, 1)); // the step's command is in flight
  inbox.stop(); // the modem closes…
  release(); // …and the port goes away under the running step
  await inbox.idle();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(lines.filter((l) => l.level >= 50).map((l) => l.msg), [], 'no error logged on a clean stop');
  assert.ok(lines.some((l) => l.level === 20 && /cut short by closing/.test(l.msg)), 'said at debug');
});

test('the same failure while the modem runs is an error and is retried', async () => {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  let calls = 0;
  const channel = {
    run: async () => {
      calls++;
      throw new AtError('AT_PORT_CLOSED', 'the AT port closed', { command: 'AT+CMGL=4' });
    },
  } as unknown as AtChannel;
  const inbox = new SmsInbox({ channel, log: pino({ level: 'debug' }, sink), storages: ['ME'], mem1: 'ME', ackRequired: false, restoreRouting: async () => undefined, retryMs: 10 });
  inbox.setHandler(async () => undefined);
  const deadline = Date.now() + 5_000;
  while (calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  inbox.stop();
  await inbox.idle();
  assert.ok(lines.some((l) => l.level === 50 && /SMS inbox step failed/.test(l.msg)), 'an error while running');
  assert.ok(calls >= 2, `retried (${calls} attempts)`);
});
