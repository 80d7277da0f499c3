/**
 * URCs inside a reply. V.250 and 27.005 §3.4.1 let a TA hold unsolicited results while the
 * TA-TE link is reserved (+CNMI <mode> 1/2), but <mode> 3 forwards them "directly to the TE",
 * and several firmwares write their own status lines whenever they come up, between a
 * command's echo and its information text, between information lines, before the final result
 * code, and around the `> ` prompt of +CMGS. Which firmware does what is profile data
 * (`ModemProfile.interleave`, with its source); the choices are made by a seeded generator so
 * that a run can be repeated exactly.
 */
import type { ModemState } from './state.js';
import { mulberry32 } from '../../util/prng.js';

/**
 * Where a URC may land inside a reply: before the information text (right after the echo),
 * between two information lines, before the final result code, and at the SMS prompt (before
 * the `> `, or while the TE writes the PDU after it).
 */
export type InterleaveAt = 'before-text' | 'between-lines' | 'before-final' | 'at-prompt';

export const INTERLEAVE_POSITIONS: readonly InterleaveAt[] = ['before-text', 'between-lines', 'before-final', 'at-prompt'];

/** A firmware's habit of writing URCs inside replies. */
export interface InterleaveSpec {
  /** The places its URCs have been seen. */
  readonly at: readonly InterleaveAt[];
  /**
   * Whether the SMS indications (+CMTI, +CDSI, +CMT, +CDS) that come up while a command runs are
   * written inside the reply too, whatever +CNMI <mode> says (else only with <mode> 3).
   */
  readonly indications: boolean;
  /** Chance (0–1) that a reply carries one of the firmware's own status lines. */
  readonly rate: number;
  /** The status lines the firmware prints on its own (empty when its reporting is off). */
  lines?(state: ModemState): readonly string[];
  /** What was observed, and where (firmware-notes, issue threads, manuals). */
  readonly note: string;
}

/** Run-time settings (control method `configure({ interleave })`). */
export interface InterleaveSettings {
  seed: number;
  rate: number | undefined;
  /** Forces indications inside replies (as <mode> 3 does) on any profile. */
  indications: boolean | undefined;
  /** Places allowed on top of the profile's (e.g. 'at-prompt' for a stress run). */
  at: InterleaveAt[] | undefined;
}

/** A line whose PDU follows on the next line (27.005 §3.4.1, §3.5.1): never split from it. */
const PDU_HEADER = /^\+(CMGL|CMGR|CMT|CDS|CBM):/;

const INDICATION = /^\+(CMTI|CDSI|CMT|CDS):/;

/** 27.005 §3.4.1 new-message and status-report indications (a +CMT/+CDS carries its PDU line). */
export function isIndication(line: string): boolean {
  return INDICATION.test(line);
}

export class Interleaver {
  private random: () => number;
  readonly settings: InterleaveSettings = { seed: 1, rate: undefined, indications: undefined, at: undefined };

  constructor(
    private readonly spec: InterleaveSpec | undefined,
    private readonly state: ModemState,
  ) {
    this.random = mulberry32(this.settings.seed);
  }

  configure(next: Partial<InterleaveSettings>): InterleaveSettings {
    if (next.seed !== undefined) {
      this.settings.seed = next.seed;
      this.random = mulberry32(next.seed);
    }
    if (next.rate !== undefined) this.settings.rate = next.rate;
    if (next.indications !== undefined) this.settings.indications = next.indications;
    if (next.at !== undefined) this.settings.at = next.at;
    return { ...this.settings };
  }

  private places(): InterleaveAt[] {
    return [...new Set([...(this.spec?.at ?? []), ...(this.settings.at ?? [])])];
  }

  /** Whether an indication that comes up while the link is reserved goes inside the reply. */
  takesIndication(line: string): boolean {
    if (!isIndication(line)) return false;
    if (this.state.settings.cnmi[0] === 3) return true; // 27.005 §3.4.1 <mode> 3: forward directly
    return this.settings.indications ?? this.spec?.indications ?? false;
  }

  /** Whether an indication may be written while the TE writes its PDU after `> `. */
  atPrompt(): boolean {
    return this.state.settings.cnmi[0] === 3 || this.places().includes('at-prompt');
  }

  /** A status line of the firmware's own for this reply, or none (the seeded draw decides). */
  spontaneous(): string | undefined {
    const rate = this.settings.rate ?? this.spec?.rate ?? 0;
    if (rate <= 0) return undefined;
    const lines = this.spec?.lines?.(this.state) ?? [];
    if (lines.length === 0) return undefined;
    if (this.random() >= rate) return undefined;
    return lines[Math.floor(this.random() * lines.length)];
  }

  /**
   * Chooses where each URC goes in a reply whose information blocks (one per command of the
   * line) hold `blockLines`: `{block, line}` puts it before that line of that block, and
   * `{block: blockLines.length, line: 0}` before the final result code — also the fallback when
   * the reply lacks the place drawn (no information text, a single line).
   */
  place(urcs: readonly string[], blockLines: readonly (readonly string[])[]): { block: number; line: number }[] {
    const places = this.places().filter((p) => p !== 'at-prompt');
    const out: { block: number; line: number }[] = [];
    for (let i = 0; i < urcs.length; i++) {
      const where = places.length === 0 ? 'before-final' : places[Math.floor(this.random() * places.length)];
      const lastBlock = blockLines.length;
      if (where === 'before-text' && blockLines.length > 0) out.push({ block: 0, line: 0 });
      else if (where === 'between-lines') {
        const cuts = blockLines.flatMap((b, block) => b.map((_, line) => ({ block, line })).filter(({ line }) => line > 0 && !PDU_HEADER.test(b[line - 1] ?? '')));
        out.push(cuts[Math.floor(this.random() * cuts.length)] ?? { block: lastBlock, line: 0 });
      } else out.push({ block: lastBlock, line: 0 });
    }
    return out;
  }
}
