/**
 * Which mailboxes get a message. Pure: the rules and the message in, a list of addresses out.
 *
 * Rules are tried in order; a rule matches when every condition it names holds. The first
 * matching rule decides, unless it says `continue`, in which case later matching rules add
 * their mailboxes too. No match (or matches without mailboxes) falls back to the default.
 */
import { normalizeNumber } from './addresses.js';
import type { NumberPattern, RelayMessage, RouteRule, RoutingConfig } from './types.js';

/**
 * Compiles a number pattern: `*` is any run of characters, `?` exactly one, anything else is
 * literal. Without wildcards the pattern is an exact match; `+49151*` is a prefix match.
 * Both sides are normalised first, so `+49 151 *` and `0049151*` mean the same.
 */
export function compileNumberPattern(pattern: NumberPattern): (number: string) => boolean {
  const norm = normalizePattern(pattern);
  if (!/[*?]/.test(norm)) return (n) => normalizeNumber(n) === norm;
  const source = norm.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`);
  return (n) => re.test(normalizeNumber(n));
}

function normalizePattern(pattern: string): string {
  const compact = pattern.trim().replace(/[\s().\-\u00a0]/g, '');
  if (/^\+?[\d*?]+$/.test(compact)) return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return pattern.trim();
}

/** The number a rule's `sender` condition is about: whoever is at the other end. */
function remoteNumbers(msg: RelayMessage): string[] {
  return msg.direction === 'incoming' ? [msg.from] : [...msg.to, ...msg.cc];
}

export function ruleMatches(rule: RouteRule, msg: RelayMessage): boolean {
  if (rule.box !== undefined && !compileNumberPattern(rule.box)(msg.boxNumber)) return false;
  if (rule.sim !== undefined && rule.sim !== msg.simId) return false;
  if (rule.sender !== undefined) {
    const test = compileNumberPattern(rule.sender);
    if (!remoteNumbers(msg).some(test)) return false;
  }
  return true;
}

/** The mailboxes for a message, in rule order, each once (compared case-insensitively). */
export function routeMessage(msg: RelayMessage, config: RoutingConfig): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (boxes: readonly string[]): void => {
    for (const b of boxes) {
      const key = b.trim().toLowerCase();
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      out.push(b.trim());
    }
  };
  for (const rule of config.rules) {
    if (!ruleMatches(rule, msg)) continue;
    add(rule.mailboxes);
    if (rule.continue !== true) break;
  }
  if (out.length === 0) add(config.defaultMailboxes);
  return out;
}
