import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtyPeer, type Token } from '../at/helpers/pty-peer.js';
import { Modem, type ModemStatus } from '../../src/modem/index.js';
import { until } from './helpers.js';

/** A generic modem that can hang: while hung it drops every input, as a wedged firmware does. */
function hangingModem(): { peer: PtyPeer; state: { hung: boolean } } {
  const state = { hung: false };
  const peer = new PtyPeer((t: Token) => {
    if (state.hung || t.end !== '\r') return undefined;
    if (t.text === 'AT+CGMI') return '\r\nAcme\r\n\r\nOK\r\n';
    if (t.text === 'AT+CPIN?') return '\r\n+CPIN: READY\r\n\r\nOK\r\n';
    if (t.text === 'AT+CSQ') return '\r\n+CSQ: 18,99\r\n\r\nOK\r\n';
    return '\r\nOK\r\n';
  });
  return { peer, state };
}

test('silence → timeouts → probe → ladder (soft reset, reopen, power cycle) → modem back and re-initialised', async () => {
  const { peer, state } = hangingModem();
  const powerCycles: string[][] = [];
  const states: string[] = [];
  let modem: Modem | undefined;
  try {
    modem = await Modem.open({
      port: peer.path,
      statusIntervalMs: 0,
      channelTimeoutMs: 400,
      recovery: {
        timeoutsBeforeRecovery: 2,
        steps: ['soft-reset', 'reopen', 'power-cycle'],
        settleMs: 50,
        probes: 1,
        probeIntervalMs: 10,
        probeTimeoutMs: 300,
        resetTimeoutMs: 300,
        powerCycleCommand: ['uhubctl', '-l', '1-1', '-p', '2', '-a', 'cycle'],
      },
      runCommand: async (argv) => {
        powerCycles.push([...argv]);
        state.hung = false; // power restored: the firmware boots
        peer.send('\r\nRDY\r\n');
      },
    });
    modem.on('status', (s: ModemStatus) => states.push(s.state));
    state.hung = true;
    const before = peer.commands().length;
    await assert.rejects(modem.channel.run({ text: 'AT+CSQ', timeoutMs: 300, parse: () => 0 }), /no final result/);
    await until(() => modem?.status().state === 'ready' && powerCycles.length === 1, 15000, 'recovered');
    assert.deepEqual(powerCycles, [['uhubctl', '-l', '1-1', '-p', '2', '-a', 'cycle']]);
    const sent = peer.commands().slice(before);
    assert.ok(sent.includes('AT+CFUN=1,1'), 'soft reset tried first');
    assert.ok(sent.lastIndexOf('ATE0') > sent.indexOf('AT+CFUN=1,1'), 'initialised again after recovery');
    assert.ok(states.includes('recovering'));
    const s = await modem.refreshStatus();
    assert.equal(s.signal?.rssiDbm, -77);
  } finally {
    await modem?.close();
    peer.close();
  }
});

test('recovery that finds nothing working leaves the modem "failed" and tries again later', async () => {
  const { peer, state } = hangingModem();
  let modem: Modem | undefined;
  try {
    modem = await Modem.open({
      port: peer.path,
      statusIntervalMs: 0,
      channelTimeoutMs: 300,
      recovery: { timeoutsBeforeRecovery: 1, steps: ['soft-reset'], settleMs: 10, probes: 1, probeTimeoutMs: 200, resetTimeoutMs: 200, retryAfterMs: 300 },
    });
    state.hung = true;
    await assert.rejects(modem.channel.run({ text: 'AT+CSQ', timeoutMs: 200, parse: () => 0 }), /no final result/);
    await until(() => modem?.status().state === 'failed', 10000, 'failed');
    state.hung = false; // the firmware recovers by itself
    await until(() => modem?.status().state === 'ready', 10000, 'ready after the retry');
  } finally {
    await modem?.close();
    peer.close();
  }
});

test('waitForPort: a modem that appears after the gateway started is opened and initialised', async () => {
  const { mkdtempSync, rmSync, symlinkSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-late-'));
  const link = join(dir, 'mmsgw-modem');
  let modem: Modem | undefined;
  let peer: PtyPeer | undefined;
  try {
    modem = await Modem.open({ port: link, waitForPort: true, reopenPollMs: 50, statusIntervalMs: 0, recovery: false });
    assert.equal(modem.status().state, 'closed');
    await assert.rejects(modem.sendSmsPdu('0011000B916407281553F80000AA0AE8329BFD4697D9EC37', 23), /closed/);
    peer = hangingModem().peer;
    symlinkSync(peer.path, link); // udev creates the name when the modem enumerates
    await until(() => modem?.status().state === 'ready', 10000, 'ready once the port appeared');
  } finally {
    await modem?.close();
    peer?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
