/**
 * The command line's help and usage errors: the command list with one line each, and the
 * "did you mean" suggestion for a mistyped command or flag (Levenshtein distance, the edit
 * distance of insertions, deletions and substitutions).
 *
 * Exit codes (documented in `mmsgw help` and docs/OPERATIONS.md): 0 success, 1 failure (the
 * error says what went wrong), 2 wrong usage (the usage is printed).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate within a distance that still looks like a typo, or one `word` is a prefix of. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  if (best !== undefined && bestDistance <= limit) return best;
  const prefixed = candidates.filter((c) => word.length >= 2 && c.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** The long flags a usage text describes (`--config FILE` → `config`). */
export function flagsOf(usage: string): string[] {
  return [...new Set([...usage.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1] as string))];
}

/**
 * The first long flag in `argv` that the usage does not describe (`--help` is always known),
 * with a suggestion. Arguments after `--` are positionals; `--flag=value` counts as `--flag`.
 */
export function unknownFlag(argv: readonly string[], usage: string): { flag: string; suggestion?: string | undefined } | undefined {
  const known = [...flagsOf(usage), 'help'];
  for (const arg of argv) {
    if (arg === '--') break;
    const m = /^--([^=]+)/.exec(arg);
    if (m === null) continue;
    const name = m[1] as string;
    if (!known.includes(name)) return { flag: `--${name}`, suggestion: suggest(name, known)?.replace(/^/, '--') };
  }
  return undefined;
}

export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

export const EXIT_CODES_TEXT = `exit status: 0 success, 1 failure (the error says what went wrong), 2 wrong usage`;
