import { ENV_OVERRIDES } from './env.js';
import { isLoopback } from './fields.js';
import { dottedKey, isSecretKey, type ConfigProblem } from './issues.js';
import type { Config } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a configuration must say before the gateway starts (`mmsgw run`, `mmsgw config check`):
 * a file that sets nothing, or leaves received messages nowhere to go, is refused with what is
 * missing rather than run as a box that silently keeps everything to itself.
 */
export function startupProblems(config: Config, input: Readonly<Obj>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (Object.keys(input).length === 0) {
    out.push({
      key: '(config)',
      message:
        'the configuration sets nothing: it needs at least mail.out.defaultMailbox (or mail.out.routes: where received SMS and MMS are mailed) and mail.out.smtp (the relay that sends them); `mmsgw setup` writes one',
    });
    return out;
  }
  if (config.mail.out.defaultMailbox === null && config.mail.out.routes.length === 0) {
    out.push({ key: 'mail.out.defaultMailbox', message: 'required (or mail.out.routes): received SMS and MMS would have nowhere to go', path: ['mail', 'out', 'defaultMailbox'] });
  }
  return out;
}

/** Settings that are valid but probably not what the owner wants. */
export function configWarnings(config: Config, input: Readonly<Obj>): string[] {
  const w: string[] = [];
  const m = config.mail;
  if (!m.in.imap.enabled && !m.in.smtpListener.enabled) w.push('mail.in: neither imap nor smtpListener is enabled: mail cannot be sent out as SMS/MMS (receiving still works)');
  if (config.mmsc.url === null) w.push('mmsc.url is not set: it is looked up in the carrier database from the SIM at start (`--imsi` previews it); without a match MMS is off');
  if (m.out.smtp.auth === null && !isLoopback(m.out.smtp.host)) w.push(`mail.out.smtp has no auth: most relays other than a local one (${m.out.smtp.host}) refuse unauthenticated mail`);
  if (!has(input, ['modem', 'port'])) w.push(`modem.port is not set: the default ${config.modem.port} is used; /dev/mmsgw-modem (from systemd/udev/70-mmsgw-modem.rules) survives re-enumeration`);
  if (config.box.ownNumber === null && config.box.numbers.length === 0) w.push("box.ownNumber is not set: it is read from the SIM (+CNUM), which many SIMs leave empty; reply addresses and MMS 'From' need it");
  return w;
}

function has(o: Readonly<Obj>, path: readonly string[]): boolean {
  let node: unknown = o;
  for (const p of path) {
    if (!isObj(node) || !(p in node)) return false;
    node = node[p];
  }
  return node !== undefined;
}

export interface SourcedSetting {
  readonly key: string;
  /** The value as text; secrets are "<redacted>". */
  readonly value: string;
  /** "file", "environment MMSGW_…", or "default". */
  readonly source: string;
}

/** Every leaf of the effective configuration with where it came from. */
export function effectiveSettings(config: Config, input: Readonly<Obj>, envApplied: readonly string[]): SourcedSetting[] {
  const fromEnv = new Map(ENV_OVERRIDES.filter((o) => envApplied.includes(o.name)).map((o) => [o.path.join('.'), o.name]));
  const out: SourcedSetting[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (isObj(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      return;
    }
    const env = fromEnv.get(path.join('.'));
    const source = env ? `environment ${env}` : has(input, path) ? 'file' : 'default';
    const value = v === null ? 'null' : isSecretKey(path) ? '<redacted>' : typeof v === 'string' ? v : JSON.stringify(v);
    out.push({ key: dottedKey(path), value: isSecretKey(path) && Array.isArray(v) ? '<redacted>' : redactList(path, v, value), source });
  };
  walk(config, []);
  return out;
}

/** Lists of objects holding secrets (smtpListener.users) are shown without the secrets. */
function redactList(path: readonly string[], v: unknown, shown: string): string {
  if (!Array.isArray(v)) return shown;
  return JSON.stringify(v.map((x) => (isObj(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, isSecretKey([...path, k]) ? '<redacted>' : y])) : x)));
}
