import { join, resolve } from 'node:path';

/** Where `mmsgw demo` (and `npm start`) keeps its state when no --state-dir is given. */
export const DEFAULT_DEMO_DIR = '.mmsgw-demo';

/** The demo's state directory: the given one, else ./.mmsgw-demo. */
export function demoStateDir(given: string | undefined, cwd: string = process.cwd()): string {
  return resolve(cwd, given ?? DEFAULT_DEMO_DIR);
}

/**
 * The fixed places of the demo's simulators under its state directory (docs/SIMULATOR.md,
 * "Drive the demo by hand"): the modem's pty link, each simulator's control socket, the mailbox.
 * `index` numbers further modems (1 is the first, without a suffix).
 */
export function demoPaths(stateDir: string) {
  const sim = join(stateDir, 'sim');
  return {
    stateDir,
    sim,
    modemLink: (index = 1): string => join(stateDir, index === 1 ? 'modem.pty' : `modem-${index}.pty`),
    modemControl: (index = 1): string => join(sim, index === 1 ? 'modem.sock' : `modem-${index}.sock`),
    mmscControl: join(sim, 'mmsc.sock'),
    mailControl: join(sim, 'mail.sock'),
    vaspControl: join(sim, 'vasp.sock'),
    mailbox: join(stateDir, 'mailbox'),
    endpoints: join(stateDir, 'endpoints.json'),
  } as const;
}

/** `mmsgw demo --modems N`: at most this many simulated modems (./multi-modem.ts). */
export const MAX_DEMO_MODEMS = 6;
