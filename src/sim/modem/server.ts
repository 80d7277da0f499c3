/**
 * A running simulator: the modem, its pty, the optional stable symlink to the pty and the
 * control socket. Unplugging closes the pty (the device node vanishes and the gateway's port
 * errors out), and after the given time plugs a new pty in and re-points the symlink.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MmsgwError, errorMessage } from '../../util/errors.js';
import { logger } from '../../util/log.js';
import { ControlServer } from './control.js';
import { loadHttpStack } from './handlers.js';
import { controlMethods, type LineControl } from './methods.js';
import { profileByName, PROFILES } from './profiles/index.js';
import { openPty, pointLink, removeLink, type PtyLine } from './pty.js';
import { ModemSim } from './sim.js';
import { SimUsbTree, type SimUsbOptions } from './usb-tree.js';
import type { CardIdentity } from './state.js';
import type { SmsStat } from './storage.js';
import type { MemName } from './types.js';

const log = logger('sim-modem');
const wireLog = logger('sim-wire');

/** Bytes as readable text for the wire trace: control characters escaped. */
function escaped(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\x00-\x1f\x7f-\xff]/g, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Output beyond this stays unwritten while nobody reads the line, as a UART overrun drops it. */
const MAX_BACKLOG = 64 * 1024;

export interface PreloadedSms {
  readonly mem?: MemName;
  readonly pdu: string;
  readonly stat?: SmsStat;
}

export interface SimServerOptions {
  readonly profile?: string;
  readonly baudRate?: number;
  readonly link?: string;
  /** Control socket path; a fresh temporary directory holds it when absent. */
  readonly control?: string;
  readonly pin?: string;
  readonly storage?: readonly PreloadedSms[];
  /** The SIM's IMSI, ICCID, SPN (to try a setup for any carrier). */
  readonly card?: CardIdentity;
  /** APNs the network accepts; others fail activation with +CME ERROR: 533. */
  readonly apns?: readonly string[];
  /** Show the modem as a USB device: ttyUSBn nodes, a by-id link and sysfs under `usb.dir` (./usb-tree.ts). */
  readonly usb?: SimUsbOptions;
}

export interface SimServer {
  readonly sim: ModemSim;
  readonly controlPath: string;
  /** The USB device tree, when `usb` was asked for. */
  readonly usb: SimUsbTree | undefined;
  /** The path the gateway opens: the link when there is one, else the by-id link (usb), else the pty. */
  path(): string;
  /** The current slave device, /dev/pts/N. */
  ptyPath(): string;
  /** Resolves when everything is closed and the link removed. */
  stop(): Promise<void>;
  readonly stopped: Promise<void>;
}

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const profile = profileByName(opts.profile ?? 'generic');
  if (!profile) throw new MmsgwError('SIM_UNKNOWN_PROFILE', `unknown modem profile '${opts.profile}' (known: ${Object.keys(PROFILES).join(', ')})`);
  const extra = await loadHttpStack(profile);
  const sim = new ModemSim({ profile, baudRate: opts.baudRate ?? 115200, pin: opts.pin, extraHandlers: extra, ...(opts.card ? { card: opts.card } : {}), ...(opts.apns ? { apns: opts.apns } : {}) });
  for (const p of opts.storage ?? []) {
    const mem = p.mem ?? sim.state.settings.cpms[2];
    if (sim.state.storage.put(mem, { stat: p.stat ?? 0, pdu: p.pdu.toUpperCase(), statusReport: false }) === undefined) {
      throw new MmsgwError('SIM_STORAGE_FULL', `preloaded messages do not fit in ${mem}`);
    }
  }

  let tempDir: string | undefined;
  let controlPath = opts.control;
  if (controlPath === undefined) {
    tempDir = mkdtempSync(join(tmpdir(), 'mmsgw-modem-sim-'));
    controlPath = join(tempDir, 'control.sock');
  }

  const usb = opts.usb ? new SimUsbTree(profile.name, opts.usb) : undefined;
  let line: PtyLine | undefined;
  let current = '';
  let replug: NodeJS.Timeout | undefined;

  const plug = (): void => {
    const pty = openPty((bytes) => {
      if (wireLog.isLevelEnabled('debug')) wireLog.debug({ dir: 'in', data: escaped(bytes) }, 'wire');
      sim.input(bytes);
    });
    line = pty;
    current = pty.path;
    sim.attach((bytes) => {
      if (wireLog.isLevelEnabled('debug')) wireLog.debug({ dir: 'out', data: escaped(bytes) }, 'wire');
      if (pty.backlog() < MAX_BACKLOG) pty.write(bytes);
    });
    try {
      usb?.plug(pty.path);
      if (opts.link !== undefined) pointLink(opts.link, pty.path);
    } catch (e) {
      usb?.unplug();
      sim.detach();
      pty.close();
      line = undefined;
      throw e;
    }
  };

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (replug) clearTimeout(replug);
      sim.stop();
      line?.close();
      line = undefined;
      if (opts.link !== undefined) removeLink(opts.link);
      usb?.remove();
      await control.close();
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      resolveStopped();
    })();
    return stopping;
  };

  const lineControl: LineControl = {
    path: () => current,
    usb: () => usb?.state(),
    unplug: (ms) => {
      const was = current;
      if (replug) clearTimeout(replug);
      sim.powerOff();
      sim.detach();
      line?.close();
      line = undefined;
      if (opts.link !== undefined) removeLink(opts.link);
      const tty = usb?.tty;
      usb?.unplug();
      sim.emitEvent('unplugged', { path: was, ...(tty ? { tty } : {}) });
      replug = setTimeout(() => {
        replug = undefined;
        try {
          plug();
        } catch (e) {
          log.error({ err: errorMessage(e) }, 'cannot plug the modem back in');
          return;
        }
        sim.emitEvent('plugged', { path: lineControl.path(), ...(usb?.tty ? { tty: usb.tty } : {}) });
        sim.boot();
      }, ms);
      return Promise.resolve({ path: was });
    },
    stop,
  };

  sim.usbReset = (ms) => void lineControl.unplug(ms);
  try {
    plug();
  } catch (e) {
    sim.stop();
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    throw e;
  }
  let control: ControlServer;
  try {
    control = await ControlServer.listen(controlPath, controlMethods(sim, lineControl));
  } catch (e) {
    sim.stop();
    line?.close();
    if (opts.link !== undefined) removeLink(opts.link);
    usb?.remove();
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    throw e;
  }
  sim.on('event', (event: string, data: unknown) => control.broadcast(event, data));
  // The modem has been powered for a while when the gateway first opens it: no banner.
  sim.boot(0, false);
  log.info({ path: current, link: opts.link, usb: usb?.state(), control: controlPath, profile: profile.name }, 'modem simulator running');
  return { sim, controlPath, usb, path: () => opts.link ?? usb?.byId ?? current, ptyPath: () => current, stop, stopped };
}
