import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A SIM PIN the card refused, remembered durably so it is never entered a second time: three
 * wrong entries lock the SIM behind its PUK, and a reopen or restart loop would burn them in
 * seconds. Kept in `<stateDir>/sim-pin-refused.json` (0600) as a digest of the PIN, with the
 * ICCID when it was readable: a different PIN, or a different SIM, is tried again.
 */
export const PIN_REFUSED_FILE = 'sim-pin-refused.json';

export interface RefusedPin {
  readonly pinDigest: string;
  readonly iccid?: string;
  readonly at: number;
  /** Attempts left after the refusal, when the modem said. */
  readonly attemptsLeft?: number;
}

export interface PinGuard {
  refused(pin: string, iccid: string | undefined): RefusedPin | undefined;
  remember(pin: string, iccid: string | undefined, attemptsLeft: number | undefined): void;
}

function digest(pin: string): string {
  return createHash('sha256').update(`mmsgw-sim-pin:${pin}`).digest('hex');
}

function matches(r: RefusedPin, pin: string, iccid: string | undefined): boolean {
  return r.pinDigest === digest(pin) && (r.iccid === undefined || iccid === undefined || r.iccid === iccid);
}

/** A guard that lives as long as the process (no state directory). */
export function memoryPinGuard(): PinGuard {
  const list: RefusedPin[] = [];
  return {
    refused: (pin, iccid) => list.find((r) => matches(r, pin, iccid)),
    remember: (pin, iccid, attemptsLeft) => void list.push({ pinDigest: digest(pin), ...(iccid ? { iccid } : {}), at: Date.now(), ...(attemptsLeft === undefined ? {} : { attemptsLeft }) }),
  };
}

/** The durable guard in the state directory. */
export function filePinGuard(stateDir: string): PinGuard {
  const path = join(stateDir, PIN_REFUSED_FILE);
  const read = (): RefusedPin[] => {
    try {
      const v = JSON.parse(readFileSync(path, 'utf8')) as { refused?: unknown };
      return Array.isArray(v.refused) ? (v.refused as RefusedPin[]).filter((r) => typeof r?.pinDigest === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    refused: (pin, iccid) => read().find((r) => matches(r, pin, iccid)),
    remember: (pin, iccid, attemptsLeft) => {
      const list = [...read(), { pinDigest: digest(pin), ...(iccid ? { iccid } : {}), at: Date.now(), ...(attemptsLeft === undefined ? {} : { attemptsLeft }) }];
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ refused: list.slice(-20) })}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
