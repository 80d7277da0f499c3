import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CliCommand } from '../registry.js';
import { loadConfigDetailed, type LoadedConfig } from '../../config/index.js';
import { configWarnings, effectiveSettings, startupProblems, type SourcedSetting } from '../../config/check.js';
import { ConfigInvalidError, type ConfigProblem } from '../../config/issues.js';
import { envWithSecrets } from '../../config/secrets-path.js';
import { carrierProfile } from '../../app/mmsc.js';
import { mmsSettings } from '../../app/carrier-settings.js';
import { ConfigError, errorMessage } from '../../util/errors.js';

const USAGE = `usage: mmsgw config check FILE [--secrets FILE] [--imsi IMSI [--spn NAME]] [--json]

Validates FILE without starting anything: the same errors as at start (each with its key
and line), warnings for settings that are valid but useless, and every effective setting
with its source (file, environment, default). Secrets are never printed.

  --secrets FILE  KEY=VALUE secrets (default: secrets.env beside FILE, when readable)
  --imsi IMSI     preview the MMS settings the carrier database gives this SIM
  --spn NAME      the SIM's service provider name (tells MVNOs on one network apart)
  --json          one JSON document on stdout

Exit status: 0 valid, 1 refused, 2 usage.`;

interface Report {
  readonly file: string;
  readonly valid: boolean;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly string[];
  readonly settings: readonly SourcedSetting[];
  readonly mms?: Readonly<Record<string, { value: string | null; source: string }>>;
}

export function checkConfig(file: string, o: { secrets?: string; imsi?: string; spn?: string; env?: NodeJS.ProcessEnv }): Report {
  // The process environment wins over the secrets file, as under systemd.
  const withSecrets = envWithSecrets(file, o.env ?? process.env, o.secrets);
  const warnings: string[] = [...withSecrets.warnings];
  const env = withSecrets.env;
  let loaded: LoadedConfig;
  try {
    loaded = loadConfigDetailed(file, env);
  } catch (e) {
    if (e instanceof ConfigInvalidError) return { file, valid: false, errors: e.problems, warnings, settings: [] };
    if (e instanceof ConfigError) return { file, valid: false, errors: [{ key: e.key, message: e.message.slice(e.key.length + 2) }], warnings, settings: [] };
    throw e;
  }
  const errors = [...startupProblems(loaded.config, loaded.input)];
  try {
    carrierProfile(loaded.config, undefined);
  } catch (e) {
    if (e instanceof ConfigError) errors.push({ key: e.key, message: e.message.slice(e.key.length + 2) });
    else throw e;
  }
  warnings.push(...configWarnings(loaded.config, loaded.input));
  let mms: Report['mms'];
  if (o.imsi) {
    const s = mmsSettings(loaded.config, { imsi: o.imsi, ...(o.spn ? { spn: o.spn } : {}) });
    mms = Object.fromEntries(
      (['apn', 'apnUser', 'apnPassword', 'mmscUrl', 'proxy'] as const).map((k) => [k, { value: s[k].value === undefined ? null : k === 'apnPassword' ? '<redacted>' : s[k].value ?? null, source: s[k].source }]),
    );
    if (s.mmscUrl.value === undefined) warnings.push(`no MMSC URL for IMSI ${o.imsi}: not in the configuration and not in the carrier database; set mmsc.url`);
    if (s.match?.ambiguous) warnings.push(`several carriers share ${s.match.plmn} (${[s.match.entry.name, ...s.match.alternatives.map((a) => a.name)].join(', ')}); pass --spn or set bearer.apn and mmsc.url`);
  }
  return { file, valid: errors.length === 0, errors, warnings, settings: effectiveSettings(loaded.config, loaded.input, loaded.envApplied), ...(mms ? { mms } : {}) };
}

function render(r: Report): string {
  const out = [`mmsgw config check ${r.file}: ${r.valid ? 'valid' : 'REFUSED'}`];
  for (const e of r.errors) out.push(`  error  ${e.key}: ${e.message}${e.line !== undefined ? ` (line ${e.line})` : ''}`);
  for (const w of r.warnings) out.push(`  warn   ${w}`);
  if (r.mms) {
    out.push('', 'MMS settings for the SIM:');
    for (const [k, v] of Object.entries(r.mms)) out.push(`  ${k.padEnd(12)} ${v.value ?? '-'}  (${v.source})`);
  }
  if (r.settings.length > 0) {
    out.push('', 'effective settings:');
    const width = Math.min(44, Math.max(...r.settings.map((s) => s.key.length)));
    for (const s of r.settings) out.push(`  ${s.key.padEnd(width)} ${s.value}  (${s.source})`);
  }
  return out.join('\n');
}

export const command: CliCommand = {
  summary: 'check a configuration file without starting anything (errors, warnings, effective settings)',
  usage: USAGE,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { secrets: { type: 'string' }, imsi: { type: 'string' }, spn: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    } catch (e) {
      console.error(`${errorMessage(e)}\n\n${USAGE}`);
      return 2;
    }
    const [sub, file, ...extra] = parsed.positionals;
    if (sub !== 'check' || file === undefined || extra.length > 0) {
      console.error(USAGE);
      return 2;
    }
    const v = parsed.values;
    const report = checkConfig(resolve(file), { ...(v.secrets ? { secrets: resolve(v.secrets) } : {}), ...(v.imsi ? { imsi: v.imsi } : {}), ...(v.spn ? { spn: v.spn } : {}) });
    console.log(v.json ? JSON.stringify(report, null, 2) : render(report));
    return report.valid ? 0 : 1;
  },
};
