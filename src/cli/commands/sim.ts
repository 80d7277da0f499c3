/**
 * `mmsgw sim`: runs the modem simulator in this process on a fresh pty, optionally behind a
 * stable symlink, and prints the path the gateway should open plus the control socket.
 */
import type { CliCommand } from '../registry.js';
import { parseSimArgs, runSimUntilStopped, SIM_USAGE } from '../../sim/modem/cli.js';

export const command: CliCommand = {
  summary: 'run the modem simulator on a pseudo-terminal (for the gateway, tests and demos)',
  usage: SIM_USAGE,
  async run(argv) {
    const args = parseSimArgs(argv);
    return runSimUntilStopped(args, (line) => {
      const ready = JSON.parse(line.slice(line.indexOf('{'))) as { path: string; pty: string; control: string };
      console.log(`modem: ${ready.path}${ready.path === ready.pty ? '' : ` -> ${ready.pty}`}`);
      console.log(`control: ${ready.control}`);
      console.log(line);
    });
  },
};
