/**
 * Command-line front of the simulator, shared by the child-process entry (./main.ts) and
 * `mmsgw sim`: parses the options, starts the server, prints where it is, and runs until a
 * signal (or, for a child of the test client, until its parent's pipe closes).
 */
import { parseArgs } from 'node:util';
import { MmsgwError } from '../../util/errors.js';
import { startSimServer, type PreloadedSms, type SimServerOptions } from './server.js';

/** The line a parent process waits for on stdout, followed by JSON. */
export const READY_MARK = 'MMSGW-MODEM-SIM-READY ';

export const SIM_USAGE = [
  'usage: mmsgw sim [--profile NAME] [--link PATH] [--baud N] [--control PATH] [--pin PIN]',
  '',
  '  --profile NAME   generic | huawei | quectel | simcom | sierra | zte   (default generic)',
  '  --link PATH      make PATH a symlink to the pty (kept pointing at it across unplug)',
  '  --baud N         pace output at N baud, 8N1; 0 = unthrottled        (default 115200)',
  '  --control PATH   unix socket of the JSON-lines control channel     (default: a temp dir)',
  '  --pin PIN        the SIM asks for this PIN at power-up             (default: no PIN)',
  '  --storage-json JSON  messages present at start: [{"mem":"SM","pdu":"…","stat":0}]',
  '  --imsi IMSI      the SIM\'s IMSI (default 001010123456789, the test network)',
  '  --iccid ICCID    the SIM\'s ICCID                                  (default 89001012012345678901)',
  '  --spn NAME       the SIM\'s service provider name (EF_SPN)         (default: none)',
  '  --apns A,B       APNs the network accepts; others fail (+CME ERROR: 533) (default: any)',
  '  --usb-dir DIR     appear as a USB modem: DIR/dev (ttyUSBn, serial/by-id/…) and DIR/sys (sysfs);',
  '                   the by-id link is the path to open; usb-reset renumbers the ttys',
  '  --usb-serial S   the USB serial number (default random)',
  '  --usb-path P     the USB bus path, e.g. 1-1.2 (default the first free 1-1.k)',
  '  --exit-with-stdin  stop when stdin closes (how a parent process runs it)',
].join('\n');

export interface SimCliArgs extends SimServerOptions {
  readonly exitWithStdin: boolean;
}

export function parseSimArgs(argv: string[]): SimCliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      link: { type: 'string' },
      baud: { type: 'string' },
      control: { type: 'string' },
      pin: { type: 'string' },
      'storage-json': { type: 'string' },
      imsi: { type: 'string' },
      iccid: { type: 'string' },
      spn: { type: 'string' },
      apns: { type: 'string' },
      'usb-dir': { type: 'string' },
      'usb-serial': { type: 'string' },
      'usb-path': { type: 'string' },
      'exit-with-stdin': { type: 'boolean' },
    },
    strict: true,
  });
  const baud = values.baud === undefined ? 115200 : Number(values.baud);
  if (!Number.isInteger(baud) || baud < 0) throw new MmsgwError('SIM_BAD_ARGS', `--baud must be a whole number ≥ 0, not '${values.baud}'`);
  let storage: PreloadedSms[] | undefined;
  if (values['storage-json'] !== undefined) {
    const parsed: unknown = JSON.parse(values['storage-json']);
    if (!Array.isArray(parsed)) throw new MmsgwError('SIM_BAD_ARGS', '--storage-json must be a JSON array');
    storage = parsed as PreloadedSms[];
  }
  if (values.imsi !== undefined && !/^\d{6,15}$/.test(values.imsi)) throw new MmsgwError('SIM_BAD_ARGS', `--imsi must be 6 to 15 digits (3GPP 23.003 §2.2), not '${values.imsi}'`);
  if (values.iccid !== undefined && !/^\d{18,20}$/.test(values.iccid)) throw new MmsgwError('SIM_BAD_ARGS', `--iccid must be 18 to 20 digits (ITU-T E.118), not '${values.iccid}'`);
  const card = {
    ...(values.imsi !== undefined ? { imsi: values.imsi } : {}),
    ...(values.iccid !== undefined ? { iccid: values.iccid } : {}),
    ...(values.spn !== undefined ? { spn: values.spn } : {}),
  };
  if (values['usb-path'] !== undefined && !/^\d+-\d+(\.\d+)*$/.test(values['usb-path'])) throw new MmsgwError('SIM_BAD_ARGS', `--usb-path must be a USB port path like 1-1.2, not '${values['usb-path']}'`);
  if (values['usb-serial'] !== undefined && !/^[\w.-]{1,64}$/.test(values['usb-serial'])) throw new MmsgwError('SIM_BAD_ARGS', `--usb-serial must be letters, digits, '.', '_' or '-', not '${values['usb-serial']}'`);
  if (values['usb-dir'] === undefined && (values['usb-serial'] !== undefined || values['usb-path'] !== undefined)) throw new MmsgwError('SIM_BAD_ARGS', '--usb-serial and --usb-path need --usb-dir');
  return {
    card,
    ...(values['usb-dir'] !== undefined ? { usb: { dir: values['usb-dir'], ...(values['usb-serial'] !== undefined ? { serial: values['usb-serial'] } : {}), ...(values['usb-path'] !== undefined ? { usbPath: values['usb-path'] } : {}) } } : {}),
    ...(values.apns !== undefined ? { apns: values.apns.split(',').map((a) => a.trim()).filter(Boolean) } : {}),
    profile: values.profile,
    link: values.link,
    baudRate: baud,
    control: values.control,
    pin: values.pin,
    storage,
    exitWithStdin: values['exit-with-stdin'] === true,
  };
}

/** Runs the simulator until SIGINT/SIGTERM (or stdin closing); resolves with the exit code. */
export async function runSimUntilStopped(args: SimCliArgs, out: (line: string) => void): Promise<number> {
  const server = await startSimServer(args);
  const onSignal = (): void => void server.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (args.exitWithStdin) {
    process.stdin.on('end', onSignal);
    process.stdin.on('error', onSignal);
    process.stdin.resume();
  }
  out(`${READY_MARK}${JSON.stringify({ path: server.path(), pty: server.ptyPath(), control: server.controlPath, profile: server.sim.profile.name, pid: process.pid, ...(server.usb ? { usb: server.usb.state() } : {}) })}`);
  await server.stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (args.exitWithStdin) process.stdin.pause();
  return 0;
}
