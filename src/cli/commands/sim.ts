/**
 * `mmsgw sim`: runs the modem simulator in this process on a fresh pty, optionally behind a
 * stable symlink, and prints the path the gateway should open plus the control socket.
 */
import type { CliCommand } from '../registry.js';
import { parseSimArgs, runSimUntilStopped, SIM_USAGE } from '../../sim/modem/cli.js';
import type { SimUsbState } from '../../sim/modem/usb-tree.js';

export const command: CliCommand = {
  summary: 'run the modem simulator on a pseudo-terminal (for the gateway, tests and demos)',
  usage: SIM_USAGE,
  async run(argv) {
    const args = parseSimArgs(argv);
    return runSimUntilStopped(args, (line) => {
      const ready = JSON.parse(line.slice(line.indexOf('{'))) as { path: string; pty: string; control: string; usb?: SimUsbState };
      console.log(`modem: ${ready.path}${ready.path === ready.pty ? '' : ` -> ${ready.pty}`}`);
      const u = ready.usb;
      // A gateway given the ttyUSB name reads the simulator's sysfs through MMSGW_SYSFS_ROOT.
      if (u) console.log(`usb: ${u.vendorId}:${u.productId} serial ${u.serial} at ${u.usbPath}, AT port ${u.tty ?? '-'} (if${String(u.atInterface).padStart(2, '0')}); sysfs ${u.sysfsRoot}`);
      console.log(`control: ${ready.control}`);
      console.log(line);
    });
  },
};
