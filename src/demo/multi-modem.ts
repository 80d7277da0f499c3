/**
 * Several simulated modems for `mmsgw demo --modems N` and the multi-modem tests: per modem a
 * modem simulator of its own vendor profile on a real pty, its own MMSC simulator (each SIM has
 * its carrier's MMSC) pushing WAP Push through that modem, and a `modems:` entry pointing at both.
 */
import { join } from 'node:path';
import type { ConfigInput } from '../config/index.js';
import { startMmscSim, type MmscSim } from '../sim/mmsc/index.js';
import { startModemSim, type ModemSimClient } from '../sim/modem/client.js';

/** Vendor profiles the simulated modems take in turn (modem 1 generic, as the one-modem demo). */
export const DEMO_PROFILES = ['generic', 'huawei', 'quectel', 'simcom', 'zte', 'sierra'] as const;
export { MAX_DEMO_MODEMS } from './paths.js';

export interface SimModem {
  readonly id: string;
  readonly profile: string;
  /** The SIM's own number (E.164). */
  readonly number: string;
  readonly modemSim: ModemSimClient;
  readonly mmscSim: MmscSim;
}

export interface SimModemsOptions {
  readonly count: number;
  /** Where the pty links go (`modem<n>.pty`). */
  readonly dir: string;
  readonly baudRate?: number;
  readonly reportDelayMs?: number;
  /** The SMSC's round trip for each AT+CMGS in ms (default: the modem simulator's 150). */
  readonly smscMs?: number;
}

/** The own number of simulated modem i (0-based): +15550100001, +15550100002, … */
export function simModemNumber(i: number): string {
  return `+1555010000${i + 1}`;
}

/** Starts `count` modem + MMSC simulator pairs; on failure, stops what was started. */
export async function startSimModems(o: SimModemsOptions): Promise<SimModem[]> {
  const out: SimModem[] = [];
  try {
    for (let i = 0; i < o.count; i++) {
      const profile = DEMO_PROFILES[i % DEMO_PROFILES.length] ?? 'generic';
      const modemSim = await startModemSim({ profile, baudRate: o.baudRate ?? 0, link: join(o.dir, `modem${i + 1}.pty`), imsi: `00101000000000${i + 1}`, iccid: `899900000000000000${i + 1}` });
      let mmscSim: MmscSim;
      try {
        if (o.smscMs !== undefined) await modemSim.configure({ submitMs: o.smscMs });
        mmscSim = await startMmscSim({ modemSim, pushFrom: `+1555010990${i}`, ...(o.reportDelayMs !== undefined ? { reportDelayMs: o.reportDelayMs } : {}) });
      } catch (e) {
        await modemSim.stop();
        throw e;
      }
      out.push({ id: `modem${i + 1}`, profile, number: simModemNumber(i), modemSim, mmscSim });
    }
    return out;
  } catch (e) {
    await stopSimModems(out);
    throw e;
  }
}

export async function stopSimModems(list: readonly SimModem[]): Promise<void> {
  for (const m of list) {
    await m.mmscSim.stop().catch(() => undefined);
    await m.modemSim.stop().catch(() => undefined);
  }
}

/**
 * The configuration for these modems: `modems:` entries (own port, profile, number and MMSC
 * each) instead of `modem:`, and `box.ownNumber` dropped (each modem has its number).
 */
export function withSimModems(input: ConfigInput, sims: readonly SimModem[], mmsc: Partial<NonNullable<ConfigInput['mmsc']>> = {}): ConfigInput {
  const base = (input.modem ?? {}) as Record<string, unknown>;
  const { modem: _single, ...rest } = input;
  void _single;
  return {
    ...rest,
    box: { ...input.box, ownNumber: null },
    modems: sims.map((s) => ({
      ...(base.smsStorage !== undefined ? { smsStorage: base.smsStorage as 'ME' } : {}),
      id: s.id,
      port: s.modemSim.path,
      profile: s.profile as 'generic',
      number: s.number,
      mmsc: { ...input.mmsc, ...mmsc, url: s.mmscSim.url, proxy: `127.0.0.1:${s.mmscSim.proxyPort}` },
    })),
  };
}
