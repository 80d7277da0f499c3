/**
 * `mmsgw demo` as two processes: the gateway here, the simulated world (modem, MMSC, mail sink,
 * VASP) in a child process of its own (./sims-main.ts), reached over the control interfaces
 * under the state directory. What this process measures (RSS, CPU) is the gateway's, not the
 * simulators'. The child dies with this process: it stops when its stdin pipe closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmsgwError } from '../util/errors.js';
import type { DemoCore, DemoOptions } from './environment.js';
import type { SimulatorEndpoints } from './simulators.js';
import { readyLine } from '../util/ready-line.js';
import { newVaspAccount } from './vasp-account.js';

/** The ready line of ./sims-main.ts (kept here too, so this module does not load the entry). */
const SIMULATORS_READY = 'MMSGW-DEMO-SIMULATORS-READY ';

export interface SplitDemo extends DemoCore {
  /** The simulators' processes: theirs and the modem simulator's. */
  readonly simulatorPids: readonly number[];
  /** Resolves if the simulators' process ends before stop() (it crashed or was killed). */
  readonly simulatorsLost: Promise<string>;
}

function entryArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return ['--import', import.meta.resolve('tsx'), join(dirname(here), 'sims-main.ts')];
  return [join(dirname(here), 'sims-main.js')];
}

async function ended(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
  });
}

/** Starts the simulators' process and waits for its endpoints. */
async function spawnSimulators(o: DemoOptions, vasp: ReturnType<typeof newVaspAccount>, startTimeoutMs = 60_000): Promise<{ child: ChildProcess; endpoints: SimulatorEndpoints; pids: number[] }> {
  const options = {
    stateDir: o.stateDir,
    vasp,
    baudRate: o.baudRate ?? 115200,
    profile: o.profile ?? 'generic',
    ...(o.smscMs !== undefined ? { smscMs: o.smscMs } : {}),
    reportDelayMs: o.reportDelayMs === null ? null : (o.reportDelayMs ?? 200),
    ...(o.smsReportDelayMs !== null ? { smsReportDelayMs: o.smsReportDelayMs ?? 200 } : {}),
  };
  const child = spawn(process.execPath, entryArgs(), { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, MMSGW_DEMO_SIMULATORS: JSON.stringify(options) } });
  const ready = await readyLine<{ endpoints: SimulatorEndpoints; pid: number; modemPid?: number }>(child, SIMULATORS_READY, startTimeoutMs, {
    timeout: () => new MmsgwError('DEMO_SIMULATORS_TIMEOUT', `the demo's simulators were not ready within ${startTimeoutMs} ms`),
    exited: (code) => new MmsgwError('DEMO_SIMULATORS_EXITED', `the demo's simulators exited (${code}) before they were ready`),
  });
  // Whatever else it prints goes to stderr: stdout is for the demo's own output (--json).
  child.stdout?.pipe(process.stderr, { end: false });
  return { child, endpoints: ready.endpoints, pids: [ready.pid, ...(ready.modemPid !== undefined ? [ready.modemPid] : [])] };
}

export async function startSplitDemo(o: DemoOptions): Promise<SplitDemo> {
  mkdirSync(o.stateDir, { recursive: true });
  const vaspAccount = newVaspAccount();
  // The simulators' process starts first; the gateway's modules load here meanwhile (about half
  // a second of the demo's start, spent in parallel with the simulators' own).
  const spawned = spawnSimulators(o, vaspAccount);
  const modules = Promise.all([import('./environment.js'), import('./network.js')]);
  modules.catch(() => undefined);
  const sims = await spawned;
  const [{ demoConfig, freePort, portOr, startDemoGateway }, { remoteNetwork }] = await modules.catch(async (e: unknown) => {
    sims.child.stdin?.end();
    sims.child.kill('SIGTERM');
    await ended(sims.child, 10_000);
    throw e;
  });
  let stopping = false;
  const simulatorsLost = new Promise<string>((resolve) => {
    sims.child.once('exit', (code, signal) => {
      if (!stopping) resolve(`the simulators' process ended (${signal ?? `exit status ${code}`})`);
    });
  });
  const stopSimulators = async (): Promise<void> => {
    stopping = true;
    sims.child.stdin?.end();
    sims.child.kill('SIGTERM');
    await ended(sims.child, 10_000);
  };
  let net: Awaited<ReturnType<typeof remoteNetwork>>;
  try {
    net = await remoteNetwork(sims.endpoints);
  } catch (e) {
    await stopSimulators();
    throw e;
  }
  const smtpInPort = await freePort();
  const webPort = o.webPort ?? (await portOr(8080));
  const config = demoConfig(o, sims.endpoints, { smtpIn: smtpInPort, web: webPort }, vaspAccount);
  const { gateway, mm7 } = await startDemoGateway(o, config, net, vaspAccount, async () => {
    net.close();
    await stopSimulators();
  });
  return {
    config,
    gateway,
    net,
    mm7,
    smtpInPort,
    simulators: sims.endpoints,
    simulatorPids: sims.pids,
    simulatorsLost,
    async stop() {
      await mm7.close();
      await gateway.stop();
      net.close();
      await stopSimulators();
    },
  };
}
