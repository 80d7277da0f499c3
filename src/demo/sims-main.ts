/**
 * Entry point of the demo's simulators process (started by ./split.ts): the options come as
 * JSON in MMSGW_DEMO_SIMULATORS (not on the command line, where `ps` would show the VASP's
 * password); one ready line on stdout with the endpoints; runs until SIGINT/SIGTERM or until
 * its parent's stdin pipe closes (the parent died), then stops every simulator.
 */
import { errorMessage } from '../util/errors.js';
import { startSimulators, type SimulatorsOptions } from './simulators.js';

const SIMULATORS_READY = 'MMSGW-DEMO-SIMULATORS-READY ';

try {
  const opts = JSON.parse(process.env.MMSGW_DEMO_SIMULATORS ?? '') as SimulatorsOptions;
  const sims = await startSimulators(opts);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= sims.stop().then(() => process.exit(0)));
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
  process.stdout.write(`${SIMULATORS_READY}${JSON.stringify({ endpoints: sims.endpoints, pid: process.pid, modemPid: sims.modemSim.pid })}\n`);
} catch (e) {
  process.stderr.write(`demo simulators: ${errorMessage(e)}\n`);
  process.exit(1);
}
