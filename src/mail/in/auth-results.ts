/**
 * Authentication-Results header field parser, RFC 8601 §2.2:
 *
 *   authres-header = "Authentication-Results:" [CFWS] authserv-id
 *                    [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS] CRLF
 *   resinfo        = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
 *
 * Only headers written by the receiving server the operator names (its authserv-id) are
 * trusted (RFC 8601 §5: anyone can write this header; the border MTA is expected to strip
 * copies bearing its own id, so the topmost one with that id is the server's own).
 */

export interface AuthResult {
  /** Method name, lowercase: `spf`, `dkim`, `dmarc`, `arc`, … (RFC 8601 §2.7). */
  readonly method: string;
  /** Result keyword, lowercase: `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`, `permerror`, `policy`. */
  readonly result: string;
  readonly reason?: string;
  /** Properties keyed `ptype.property`, lowercase keys: `header.d`, `header.i`, `smtp.mailfrom`, `header.from`. */
  readonly props: Readonly<Record<string, string>>;
}

export interface AuthResults {
  readonly authservId: string;
  readonly results: readonly AuthResult[];
}

/** Removes RFC 5322 §3.2.2 comments (nested parentheses), leaving quoted strings intact. */
function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      out += c;
      if (c === '\\' && i + 1 < s.length) out += s[++i];
      else if (c === '"') quoted = false;
    } else if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    } else if (c === '(') {
      depth = 1;
      out += ' ';
    } else {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

/** Splits on a separator outside quoted strings. */
function splitOutsideQuotes(s: string, sep: RegExp): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      cur += c;
    } else if (sep.test(c)) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

/** Parses one header field value (after "Authentication-Results:"); undefined when unparseable. */
export function parseAuthenticationResults(value: string): AuthResults | undefined {
  const clauses = splitOutsideQuotes(stripComments(value.replace(/\r?\n[ \t]/g, ' ')), /;/);
  const head = clauses.shift();
  if (head === undefined) return undefined;
  const authservId = splitOutsideQuotes(head, /\s/)[0];
  if (authservId === undefined || authservId.includes('=')) return undefined;
  const results: AuthResult[] = [];
  for (const clause of clauses) {
    const tokens = splitOutsideQuotes(clause, /\s/);
    const first = tokens.shift();
    if (first === undefined || first.toLowerCase() === 'none') continue;
    const eq = first.indexOf('=');
    if (eq <= 0) continue;
    const method = first.slice(0, eq).split('/')[0]?.toLowerCase() ?? '';
    const result = first.slice(eq + 1).toLowerCase();
    let reason: string | undefined;
    const props: Record<string, string> = {};
    for (const tok of tokens) {
      const i = tok.indexOf('=');
      if (i <= 0) continue;
      const key = tok.slice(0, i).toLowerCase();
      const val = unquote(tok.slice(i + 1));
      if (key === 'reason') reason = val;
      else if (key.includes('.')) props[key] = val;
    }
    results.push(reason === undefined ? { method, result, props } : { method, result, reason, props });
  }
  return { authservId: authservId.toLowerCase(), results };
}

/**
 * The trusted result set: the topmost Authentication-Results field (fields are given in
 * message order, newest first) whose authserv-id equals `authservId`.
 */
export function trustedAuthResults(fieldValues: readonly string[], authservId: string | undefined): AuthResults | undefined {
  if (authservId === undefined || authservId === '') return undefined;
  const want = authservId.toLowerCase();
  for (const v of fieldValues) {
    const parsed = parseAuthenticationResults(v);
    if (parsed && parsed.authservId === want) return parsed;
  }
  return undefined;
}

/** Domain of an address or bare domain, lowercase; the part after the last '@'. */
export function domainOf(addressOrDomain: string): string {
  const at = addressOrDomain.lastIndexOf('@');
  return (at >= 0 ? addressOrDomain.slice(at + 1) : addressOrDomain).trim().toLowerCase().replace(/\.$/, '');
}

/** Relaxed identifier alignment in the sense of RFC 7489 §3.1: same domain or one a subdomain of the other. */
export function aligned(a: string, b: string): boolean {
  const x = domainOf(a);
  const y = domainOf(b);
  if (x === '' || y === '') return false;
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** True when a DKIM signature passed for a domain aligned with the From domain (RFC 6376 §3.5 `d=`, `i=`). */
export function dkimPassFor(results: AuthResults, fromAddress: string): boolean {
  return results.results.some((r) => {
    if (r.method !== 'dkim' || r.result !== 'pass') return false;
    const d = r.props['header.d'] ?? r.props['header.i'];
    return d !== undefined && aligned(d, fromAddress);
  });
}

/** True when SPF passed for a MAIL FROM (RFC 7208 §2.4) domain aligned with the From domain. */
export function spfPassFor(results: AuthResults, fromAddress: string): boolean {
  return results.results.some((r) => {
    if (r.method !== 'spf' || r.result !== 'pass') return false;
    const mf = r.props['smtp.mailfrom'];
    return mf !== undefined && aligned(mf, fromAddress);
  });
}

/** True when the receiving server saw SPF fail or softfail: the envelope sender is likely forged. */
export function spfFailed(results: AuthResults): boolean {
  return results.results.some((r) => r.method === 'spf' && (r.result === 'fail' || r.result === 'softfail'));
}

/** True when DMARC (RFC 7489) failed for the From domain: the domain owner disowns the mail. */
export function dmarcFailFor(results: AuthResults, fromAddress: string): boolean {
  return results.results.some((r) => {
    if (r.method !== 'dmarc' || r.result !== 'fail') return false;
    const d = r.props['header.from'];
    return d === undefined || domainOf(d) === domainOf(fromAddress);
  });
}
