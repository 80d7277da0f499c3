/**
 * AT engine throughput over a real pty against the modem simulator.
 *
 *   node --import tsx bench/modem.ts [commands=2000]
 *
 * 1. Commands per second at full speed, one in flight, AT+CSQ round trips: against a scripted
 *    peer in this process (engine + pty alone) and against the simulator process.
 * 2. At 115200 baud (the simulator paces its output as 8N1, 10 bits per byte): measured time
 *    against the line time of the answers (the paced direction) and of the full round trip (what
 *    a real serial line costs, command bytes included). The ratio is what the engine, the pty
 *    and the simulator add over the line itself.
 */
import { performance } from 'node:perf_hooks';
import { AtChannel } from '../src/at/channel.js';
import type { AtCommand } from '../src/at/command.js';
import { openTransport } from '../src/at/transport.js';
import { csq } from '../src/modem/commands/csq.js';
import { startModemSim } from '../src/sim/modem/client.js';
import { PtyPeer } from '../test/at/helpers/pty-peer.js';

interface Counted {
  tx: number;
  rx: number;
}

async function open(path: string): Promise<{ channel: AtChannel; counted: Counted }> {
  const transport = await openTransport(path, { baudRate: 115200 });
  const counted: Counted = { tx: 0, rx: 0 };
  transport.on('data', (b: Buffer) => (counted.rx += b.length));
  const channel = new AtChannel({ defaultTimeoutMs: 5000 });
  channel.attach(transport);
  await channel.run({ text: 'ATE0', parse: () => undefined });
  return { channel, counted };
}

async function rounds(channel: AtChannel, counted: Counted, command: AtCommand<unknown>, n: number): Promise<{ ms: number; tx: number; rx: number }> {
  const rx0 = counted.rx;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await channel.run(command);
  const ms = performance.now() - t0;
  return { ms, tx: (command.text.length + 1) * n, rx: counted.rx - rx0 };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);

  const peer = new PtyPeer((t) => (t.end === '\r' ? '\r\n+CSQ: 20,99\r\n\r\nOK\r\n' : undefined));
  try {
    const { channel, counted } = await open(peer.path);
    await rounds(channel, counted, csq, 100);
    const r = await rounds(channel, counted, csq, n);
    console.log(`engine + pty (scripted peer): ${n} x AT+CSQ in ${r.ms.toFixed(0)} ms = ${((n * 1000) / r.ms).toFixed(0)} commands/s (${((r.ms * 1000) / n).toFixed(0)} µs each)`);
    await channel.close();
  } finally {
    peer.close();
  }

  const fast = await startModemSim({ profile: 'generic', baudRate: 0 });
  try {
    const { channel, counted } = await open(fast.path);
    await rounds(channel, counted, csq, 100); // warm-up
    const r = await rounds(channel, counted, csq, n);
    console.log(`simulator, full speed: ${n} x AT+CSQ in ${r.ms.toFixed(0)} ms = ${((n * 1000) / r.ms).toFixed(0)} commands/s (${((r.ms * 1000) / n).toFixed(0)} µs each)`);
    await channel.close();
  } finally {
    await fast.stop();
  }

  const slow = await startModemSim({ profile: 'generic', baudRate: 115200 });
  try {
    const { channel, counted } = await open(slow.path);
    const m = Math.max(200, Math.floor(n / 4));
    await rounds(channel, counted, csq, 20);
    const r = await rounds(channel, counted, csq, m);
    const rxMs = (r.rx * 10 * 1000) / 115200;
    const rtMs = ((r.tx + r.rx) * 10 * 1000) / 115200;
    console.log(
      `simulator, 115200 baud: ${m} x AT+CSQ in ${r.ms.toFixed(0)} ms (${(r.ms / m).toFixed(2)} ms each); ` +
        `answers ${r.rx} bytes = ${rxMs.toFixed(0)} ms line time → ratio ${(r.ms / rxMs).toFixed(2)}; ` +
        `round trip ${r.tx + r.rx} bytes = ${rtMs.toFixed(0)} ms → ratio ${(r.ms / rtMs).toFixed(2)}`,
    );
    await channel.close();
  } finally {
    await slow.stop();
  }
}

await main();
