/**
 * Entry point of the modem simulator as its own process (started by ./client.ts, or by hand:
 * `node --import tsx src/sim/modem/main.ts --profile quectel`). Prints one ready line with the
 * pty path and the control socket on stdout, then runs until SIGINT/SIGTERM.
 */
import { errorMessage } from '../../util/errors.js';
import { parseSimArgs, runSimUntilStopped } from './cli.js';

try {
  process.exitCode = await runSimUntilStopped(parseSimArgs(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
} catch (e) {
  process.stderr.write(`modem simulator: ${errorMessage(e)}\n`);
  process.exitCode = 1;
}
