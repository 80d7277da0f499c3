import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtCommand } from '../../src/at/command.js';
import { AtError } from '../../src/at/errors.js';
import { rig, sleep, until } from './helpers/setup.js';

const csq: AtCommand<string[]> = { text: 'AT+CSQ', prefixes: ['+CSQ:'], parse: (r) => [...r.lines] };
const cgmm: AtCommand<string[]> = { text: 'AT+CGMM', parse: (r) => [...r.lines] };
const cregQuery: AtCommand<string[]> = { text: 'AT+CREG?', prefixes: ['+CREG:'], parse: (r) => [...r.lines] };

function code(e: unknown): string | undefined {
  return e instanceof AtError ? e.code : undefined;
}

test('a command gets its prefixed lines; free-text commands get bare lines', async () => {
  const r = await rig((t) => (t.text === 'AT+CSQ' ? '\r\n+CSQ: 17,99\r\n\r\nOK\r\n' : t.text === 'AT+CGMM' ? '\r\nEC25\r\n\r\nOK\r\n' : undefined));
  try {
    assert.deepEqual(await r.channel.run(csq), ['+CSQ: 17,99']);
    assert.deepEqual(await r.channel.run(cgmm), ['EC25']);
  } finally {
    await r.done();
  }
});

test('echo lines are skipped (ATE1)', async () => {
  const r = await rig((t) => (t.end === '\r' ? `${t.text}\r\r\n+CSQ: 3,99\r\n\r\nOK\r\n` : undefined));
  try {
    assert.deepEqual(await r.channel.run(csq), ['+CSQ: 3,99']);
    assert.deepEqual(await r.channel.run(cgmm), ['+CSQ: 3,99']);
  } finally {
    await r.done();
  }
});

test('a URC inside a response goes to subscribers, not to the command', async () => {
  const r = await rig(() => '\r\n+CSQ: 9,99\r\n\r\n+CMTI: "ME",4\r\n\r\nRING\r\n\r\n^RSSI: 12\r\n\r\nOK\r\n', { urcPrefixes: ['^RSSI:'] });
  try {
    assert.deepEqual(await r.channel.run(csq), ['+CSQ: 9,99']);
    assert.deepEqual(r.urcs.map((u) => [u.name, u.value]), [['+CMTI', '"ME",4'], ['RING', ''], ['^RSSI', '12']]);
  } finally {
    await r.done();
  }
});

test('a +CREG URC during AT+CREG? is told apart from the query answer (27.007 §7.2)', async () => {
  const r = await rig(() => '\r\n+CREG: 1,"00C3","0010DA",7\r\n\r\n+CREG: 2,1,"00C3","0010DA",7\r\n\r\n+CREG: 5\r\n\r\nOK\r\n');
  try {
    assert.deepEqual(await r.channel.run(cregQuery), ['+CREG: 2,1,"00C3","0010DA",7']);
    assert.deepEqual(r.urcs.map((u) => u.line), ['+CREG: 1,"00C3","0010DA",7', '+CREG: 5']);
  } finally {
    await r.done();
  }
});

test('idle URCs: +CMT with its PDU, +CDS, RDY, NO CARRIER; garbage and split lines survive', async () => {
  const r = await rig(() => undefined);
  try {
    r.peer.send('\r\n+CMT: ,24\r\n07914477581006500409');
    await sleep(20);
    r.peer.send('D0E8329BFD06\r\n\x00\xff\r\n+CDS: 6\r\n0006\r\n\r\nRDY\r\n\r\nNO CARRIER\r\n');
    await until(() => r.urcs.length >= 4);
    assert.deepEqual(r.urcs.map((u) => [u.name, u.pdu]), [['+CMT', '07914477581006500409D0E8329BFD06'], ['+CDS', '0006'], ['RDY', undefined], ['NO CARRIER', undefined]]);
  } finally {
    await r.done();
  }
});

test('+CME/+CMS errors, numeric and verbose, reject with typed errors', async () => {
  const answers: Record<string, string> = {
    'AT+CPIN?': '\r\n+CME ERROR: 10\r\n',
    'AT+CMGS=1': '\r\n+CMS ERROR: Network out of order\r\n',
    'AT+CMGD=1': '\r\n+CMS ERROR: 321\r\n',
    ATX: '\r\nERROR\r\n',
  };
  const r = await rig((t) => answers[t.text]);
  try {
    for (const [text, c, spec] of [['AT+CPIN?', 'AT_CME_ERROR', 10], ['AT+CMGS=1', 'AT_CMS_ERROR', 38], ['AT+CMGD=1', 'AT_CMS_ERROR', 321], ['ATX', 'AT_ERROR', undefined]] as const) {
      await assert.rejects(r.channel.run({ text, parse: () => 0 }), (e: unknown) => code(e) === c && (e as AtError).specCode === spec && (e as AtError).command === text);
    }
  } finally {
    await r.done();
  }
});

test('commands are FIFO with one in flight', async () => {
  const r = await rig(() => undefined);
  try {
    const a = r.channel.run({ text: 'AT+A', parse: () => 'a' });
    const b = r.channel.run({ text: 'AT+B', parse: () => 'b' });
    await r.peer.waitFor(/^AT\+A$/);
    await sleep(50);
    assert.deepEqual(r.peer.commands(), ['AT+A'], 'second command written before the first finished');
    r.peer.send('\r\nOK\r\n');
    await r.peer.waitFor(/^AT\+B$/);
    r.peer.send('\r\nOK\r\n');
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
  } finally {
    await r.done();
  }
});

test('silence → AT_TIMEOUT; the late answer does not leak into the next command', async () => {
  const r = await rig((t) => (t.text === 'AT+CSQ' ? '\r\n+CSQ: 20,99\r\n\r\nOK\r\n' : undefined), { settleMs: 400 });
  const timeouts: number[] = [];
  r.channel.on('timeout', (_e: AtError, n: number) => timeouts.push(n));
  try {
    await assert.rejects(r.channel.run({ text: 'AT+SLOW', timeoutMs: 150, parse: () => 0 }), (e: unknown) => code(e) === 'AT_TIMEOUT');
    await assert.rejects(r.channel.run({ text: 'AT+SLOW', timeoutMs: 150, parse: () => 0 }), (e: unknown) => code(e) === 'AT_TIMEOUT');
    assert.equal(r.channel.consecutiveTimeouts, 2);
    assert.deepEqual(timeouts, [1, 2]);
    r.peer.send('\r\n+CME ERROR: 3\r\n'); // the late answer of the abandoned command
    assert.deepEqual(await r.channel.run(csq), ['+CSQ: 20,99']);
    assert.equal(r.channel.consecutiveTimeouts, 0);
  } finally {
    await r.done();
  }
});

test('AbortSignal cancels a queued command unwritten and an in-flight one', async () => {
  const r = await rig(() => undefined);
  try {
    const inflight = new AbortController();
    const queued = new AbortController();
    const a = r.channel.run({ text: 'AT+A', parse: () => 0 }, { signal: inflight.signal });
    const b = r.channel.run({ text: 'AT+B', parse: () => 0 }, { signal: queued.signal });
    await r.peer.waitFor(/^AT\+A$/);
    queued.abort();
    await assert.rejects(b, (e: unknown) => code(e) === 'AT_ABORTED');
    inflight.abort();
    await assert.rejects(a, (e: unknown) => code(e) === 'AT_ABORTED');
    await sleep(150);
    assert.deepEqual(r.peer.commands(), ['AT+A']);
  } finally {
    await r.done();
  }
});

test('SMS send flow: AT+CMGS=<len>, "> ", PDU + Ctrl-Z, +CMGS: <mr> (27.005 §3.5.1)', async () => {
  const r = await rig((t) => {
    if (t.end === '\r' && t.text === 'AT+CMGS=17') return '\r\n> ';
    if (t.end === '\x1a') return '\r\n+CMGS: 42\r\n\r\nOK\r\n';
    return undefined;
  });
  try {
    const mr = await r.channel.run({ text: 'AT+CMGS=17', prefixes: ['+CMGS:'], prompt: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a', parse: (x) => Number(x.lines[0]?.slice(7)) });
    assert.equal(mr, 42);
    assert.deepEqual(r.peer.tokens.at(-1), { text: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37', end: '\x1a' });
  } finally {
    await r.done();
  }
});

test('a timed-out prompt is cancelled with ESC', async () => {
  const r = await rig(() => undefined);
  try {
    await assert.rejects(r.channel.run({ text: 'AT+CMGS=5', prompt: '00\x1a', timeoutMs: 100, parse: () => 0 }), (e: unknown) => code(e) === 'AT_TIMEOUT');
    await until(() => r.peer.tokens.some((t) => t.end === '\x1b'));
  } finally {
    await r.done();
  }
});

test('exclusive sequence with a raw payload after CONNECT; other commands wait', async () => {
  const payload = Buffer.from([0x0d, 0x0a, 0x00, 0x4f, 0x4b, 0x0d, 0x0a, 0xff]);
  const r = await rig((t) => {
    if (t.text === 'AT+QHTTPREAD=80') return Buffer.concat([Buffer.from('\r\nCONNECT\r\n'), payload, Buffer.from('\r\nOK\r\n')]);
    return t.end === '\r' ? '\r\nOK\r\n' : undefined;
  });
  try {
    let other = false;
    const seq = r.channel.exclusive(async (tx) => {
      await tx.run({ text: 'AT+QHTTPURL=10,80', parse: () => 0 });
      await sleep(30);
      const body = await tx.run({ text: 'AT+QHTTPREAD=80', rawAfter: (l) => (l === 'CONNECT' ? payload.length : undefined), parse: (x) => Buffer.concat(x.raw) });
      return { body, other };
    });
    const next = r.channel.run({ text: 'AT', parse: () => (other = true) });
    const out = await seq;
    assert.deepEqual(out.body, payload);
    assert.equal(out.other, false);
    await next;
    assert.deepEqual(r.peer.commands(), ['AT+QHTTPURL=10,80', 'AT+QHTTPREAD=80', 'AT']);
  } finally {
    await r.done();
  }
});

test('unplug: in-flight and queued commands fail AT_PORT_CLOSED and are never written', async () => {
  const r = await rig(() => undefined);
  try {
    const closed = new Promise((res) => r.channel.once('close', res));
    const a = r.channel.run({ text: 'AT+A', parse: () => 0 });
    const b = r.channel.run({ text: 'AT+B', parse: () => 0 });
    await r.peer.waitFor(/^AT\+A$/);
    r.peer.close();
    await assert.rejects(a, (e: unknown) => code(e) === 'AT_PORT_CLOSED');
    await assert.rejects(b, (e: unknown) => code(e) === 'AT_PORT_CLOSED');
    await closed;
    await assert.rejects(r.channel.run({ text: 'AT+C', parse: () => 0 }), (e: unknown) => code(e) === 'AT_PORT_CLOSED');
    assert.deepEqual(r.peer.commands(), ['AT+A']);
    assert.equal(r.channel.isOpen, false);
  } finally {
    await r.done();
  }
});

test('a parse failure rejects with AT_PARSE naming the command', async () => {
  const r = await rig(() => '\r\n+CSQ: x\r\n\r\nOK\r\n');
  try {
    await assert.rejects(r.channel.run({ ...csq, parse: () => { throw new Error('bad rssi'); } }), (e: unknown) => code(e) === 'AT_PARSE' && /AT\+CSQ/.test((e as Error).message));
  } finally {
    await r.done();
  }
});

test('the wire trace logs both directions with control characters escaped', async () => {
  const { pino } = await import('pino');
  const records: Array<{ dir: string; data: string }> = [];
  const wireLog = pino({ level: 'debug' }, { write: (s: string) => void records.push(JSON.parse(s) as { dir: string; data: string }) });
  const r = await rig(() => '\r\n+CSQ: 5,99\r\n\r\nOK\r\n', { wireLog });
  try {
    await r.channel.run(csq);
    await until(() => records.some((x) => x.dir === '<<'));
    assert.deepEqual(records[0], { ...records[0], dir: '>>', data: 'AT+CSQ<CR>' });
    assert.match(records.filter((x) => x.dir === '<<').map((x) => x.data).join(''), /^<CR><LF>\+CSQ: 5,99<CR><LF><CR><LF>OK<CR><LF>$/);
  } finally {
    await r.done();
  }
});

test('NO CARRIER ends a dial but is a notification during any other command (V.250 §6.3)', async () => {
  const r = await rig((t) => (t.text === 'AT+CSQ' ? '\r\n+CSQ: 7,99\r\n\r\nNO CARRIER\r\n\r\nOK\r\n' : t.text === 'ATD*99#' ? '\r\nNO CARRIER\r\n' : undefined));
  try {
    assert.deepEqual(await r.channel.run(csq), ['+CSQ: 7,99']);
    assert.deepEqual(r.urcs.map((u) => u.name), ['NO CARRIER']);
    await assert.rejects(r.channel.run({ text: 'ATD*99#', parse: () => 0 }), (e: unknown) => code(e) === 'AT_NO_CARRIER');
  } finally {
    await r.done();
  }
});
