/** Small constructors for handler replies, shared by the command tables. */
import type { ModemState } from './state.js';
import type { Reply } from './types.js';

export function ok(lines: readonly string[] = [], after?: () => void): Reply {
  return after ? { lines, final: { kind: 'ok' }, after } : { lines, final: { kind: 'ok' } };
}

export function error(): Reply {
  return { lines: [], final: { kind: 'error' } };
}

/** 27.007 §9.2 +CME ERROR. */
export function cme(code: number): Reply {
  return { lines: [], final: { kind: 'cme', code } };
}

/** 27.005 §3.2.5 +CMS ERROR. */
export function cms(code: number): Reply {
  return { lines: [], final: { kind: 'cms', code } };
}

/** 27.007 §9.2.1: 10 SIM not inserted, 11 SIM PIN required, 12 SIM PUK required. */
export function simCmeError(state: ModemState): number | undefined {
  if (state.sim.state !== 'absent' && Date.now() < state.sim.busyUntil) return 14; // SIM busy
  switch (state.sim.state) {
    case 'ready':
      return undefined;
    case 'absent':
      return 10;
    case 'pin':
      return 11;
    case 'puk':
      return 12;
  }
}

/** The same conditions as +CMS ERROR (27.005 §3.2.5: 310 not inserted, 311 PIN, 316 PUK). */
export function simCmsError(state: ModemState): number | undefined {
  if (state.sim.state !== 'absent' && Date.now() < state.sim.busyUntil) return 314; // 27.005 §3.2.5 SIM busy
  switch (state.sim.state) {
    case 'ready':
      return undefined;
    case 'absent':
      return 310;
    case 'pin':
      return 311;
    case 'puk':
      return 316;
  }
}

/** 'x' as a quoted AT string. */
export function q(s: string): string {
  return `"${s}"`;
}
