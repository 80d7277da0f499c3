import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig } from './helpers/setup.js';

// A reduced sample of bench/modem.ts: many queued commands, each answer with its own value,
// URCs sprinkled between and inside responses, reads split at odd places by the pty.
test('300 queued commands each get their own answer while URCs interleave', async () => {
  let n = 0;
  const r = await rig((t) => {
    if (t.end !== '\r') return undefined;
    const i = Number(t.text.slice('AT+X='.length));
    const urc = n++ % 7 === 0 ? `\r\n+CMTI: "ME",${i}\r\n` : '';
    return `\r\n+X: ${i}\r\n${urc}\r\nOK\r\n${n % 11 === 0 ? '\r\n+CREG: 1\r\n' : ''}`;
  });
  try {
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => r.channel.run({ text: `AT+X=${i}`, prefixes: ['+X:'], parse: (x) => Number(x.lines[0]?.slice(3)) })),
    );
    assert.deepEqual(answers, Array.from({ length: 300 }, (_, i) => i));
    assert.equal(r.urcs.filter((u) => u.name === '+CMTI').length, 43);
    assert.equal(r.urcs.filter((u) => u.name === '+CREG').length, 27);
  } finally {
    await r.done();
  }
});
