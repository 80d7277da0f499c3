import type { ConfigProblem } from './issues.js';
import { dottedKey } from './issues.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Secrets and deployment settings taken from the environment; each wins over the file.
 * Keeping secrets out of the YAML file lets the file be world-readable and versioned.
 */
export const ENV_OVERRIDES: readonly { readonly name: string; readonly path: readonly string[]; readonly kind?: 'number' }[] = [
  { name: 'MMSGW_STATE_DIR', path: ['stateDir'] },
  { name: 'MMSGW_LOG_LEVEL', path: ['logLevel'] },
  { name: 'MMSGW_SIM_PIN', path: ['modem', 'pin'] },
  { name: 'MMSGW_MODEM_PORT', path: ['modem', 'port'] },
  { name: 'MMSGW_APN_PASSWORD', path: ['bearer', 'apnPassword'] },
  { name: 'MMSGW_SMTP_USER', path: ['mail', 'out', 'smtp', 'auth', 'user'] },
  { name: 'MMSGW_SMTP_PASSWORD', path: ['mail', 'out', 'smtp', 'auth', 'password'] },
  { name: 'MMSGW_SMTP_OAUTH2_CLIENT_ID', path: ['mail', 'out', 'smtp', 'auth', 'oauth2', 'clientId'] },
  { name: 'MMSGW_SMTP_OAUTH2_CLIENT_SECRET', path: ['mail', 'out', 'smtp', 'auth', 'oauth2', 'clientSecret'] },
  { name: 'MMSGW_SMTP_OAUTH2_REFRESH_TOKEN', path: ['mail', 'out', 'smtp', 'auth', 'oauth2', 'refreshToken'] },
  { name: 'MMSGW_SMTP_OAUTH2_ACCESS_TOKEN', path: ['mail', 'out', 'smtp', 'auth', 'oauth2', 'accessToken'] },
  { name: 'MMSGW_IMAP_PASSWORD', path: ['mail', 'in', 'imap', 'password'] },
  { name: 'MMSGW_WEB_USERNAME', path: ['web', 'username'] },
  { name: 'MMSGW_WEB_PASSWORD', path: ['web', 'password'] },
  { name: 'MMSGW_WEB_PORT', path: ['web', 'port'], kind: 'number' },
  { name: 'MMSGW_MQTT_PASSWORD', path: ['mqtt', 'password'] },
  { name: 'MMSGW_METRICS_TOKEN', path: ['metrics', 'token'] },
];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies ENV_OVERRIDES to the raw (parsed, not yet validated) configuration, creating
 * sections as needed. Empty variables are ignored. Returns the names applied.
 */
export function applyEnvOverrides(raw: Obj, env: Env): string[] {
  const applied: string[] = [];
  for (const o of ENV_OVERRIDES) {
    const value = env[o.name];
    if (value === undefined || value === '') continue;
    let node: Obj = raw;
    for (const seg of o.path.slice(0, -1)) {
      const next = node[seg];
      if (!isObj(next)) node[seg] = {};
      node = node[seg] as Obj;
    }
    const leaf = o.path[o.path.length - 1] as string;
    node[leaf] = o.kind === 'number' && /^\d+$/.test(value) ? Number(value) : value;
    applied.push(o.name);
  }
  return applied;
}

const REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const WHOLE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Replaces `${NAME}` in every string value with the environment variable NAME (`$$` is a
 * literal `$`). A reference to an unset variable is a problem naming the key that holds it.
 * A value that is exactly one reference, at a key expecting a number or true/false
 * (`typeAt`), is converted when the variable's text is one (`port: ${SMTP_PORT}`).
 */
export function substituteEnv(
  value: unknown,
  env: Env,
  typeAt: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): { value: unknown; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const walk = (v: unknown, p: PropertyKey[]): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('$')) return v;
      const whole = WHOLE_REF.exec(v);
      const got = whole ? env[whole[1] ?? ''] : undefined;
      if (got !== undefined) {
        const type = typeAt(p);
        if (type === 'number' && /^-?\d+(\.\d+)?$/.test(got.trim())) return Number(got);
        if (type === 'boolean' && /^(true|false)$/.test(got.trim())) return got.trim() === 'true';
      }
      return v.replace(REF, (m: string, name: string | undefined) => {
        if (m === '$$') return '$';
        const got = env[name ?? ''];
        if (got === undefined) {
          problems.push({ key: dottedKey(p), message: `refers to environment variable ${name ?? ''}, which is not set` });
          return '';
        }
        return got;
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...p, i]));
    if (isObj(v)) {
      const out: Obj = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, [...p, k]);
      return out;
    }
    return v;
  };
  return { value: walk(value, []), problems };
}
