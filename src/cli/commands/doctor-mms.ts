import { existsSync } from 'node:fs';
import { loadConfigDetailed, parseConfig, type Config } from '../../config/index.js';
import { mmsSettings, withMmsSettings, type MmsSettings } from '../../app/carrier-settings.js';
import { cimi } from '../../modem/commands/cimi.js';
import { identify, optional } from '../../modem/identify.js';
import { chooseProfile, type ProfileId } from '../../modem/profiles/index.js';
import { checkMms, type MmsCheckResult } from '../../setup/mms-check.js';
import { openAtSession } from '../../setup/session.js';
import { readSpn } from '../../setup/sim-files.js';
import { errorMessage } from '../../util/errors.js';

export interface MmsDoctorReport {
  readonly port: string;
  readonly imsi?: string;
  readonly spn?: string;
  readonly profile?: ProfileId;
  readonly settings: Readonly<Record<string, { value: string | null; source: string }>>;
  readonly check: MmsCheckResult;
}

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skipped: 'skip' } as const;

function table(s: MmsSettings): MmsDoctorReport['settings'] {
  return Object.fromEntries(
    (['apn', 'apnUser', 'apnPassword', 'mmscUrl', 'proxy'] as const).map((k) => [k, { value: s[k].value === undefined ? null : k === 'apnPassword' ? '<redacted>' : s[k].value ?? null, source: s[k].source }]),
  );
}

export function renderMms(r: MmsDoctorReport): string {
  const out = [`mmsgw doctor --mms — ${r.port}`, `  SIM            IMSI ${r.imsi ?? '?'}${r.spn ? `, SPN '${r.spn}'` : ''}, profile ${r.profile ?? '?'}`, '', 'MMS settings:'];
  for (const [k, v] of Object.entries(r.settings)) out.push(`  ${k.padEnd(12)} ${v.value ?? '-'}  (${v.source})`);
  out.push('', 'checks:');
  for (const s of r.check.steps) {
    out.push(`  [${MARK[s.verdict]}] ${s.step.padEnd(8)} ${s.detail}`);
    if (s.advice) out.push(`         ! ${s.advice}`);
  }
  out.push('', `verdict: ${r.check.verdict === 'ok' ? 'MMS path works' : 'MMS path broken (see the first FAIL)'}`);
  return out.join('\n');
}

/** The MMS check against the modem on `port` with `config` (settings completed from the SIM). */
export async function mmsDoctor(port: string, config: Config, options: { timeoutMs?: number } = {}): Promise<MmsDoctorReport> {
  const channel = await openAtSession(port, { baudRate: config.modem.baudRate });
  try {
    const identity = await identify(channel);
    const profile = chooseProfile(identity, config.modem.profile === 'auto' ? undefined : config.modem.profile).id;
    const imsi = await optional(channel, cimi);
    const spn = await readSpn(channel);
    const settings = mmsSettings(config, { ...(imsi ? { imsi } : {}), ...(spn ? { spn } : {}) });
    const check = await checkMms({ config: withMmsSettings(config, settings), settings, channel, profile, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    return { port, ...(imsi ? { imsi } : {}), ...(spn ? { spn } : {}), profile, settings: table(settings), check };
  } finally {
    await channel.close().catch(() => undefined);
  }
}

export async function runMmsDoctor(o: { port?: string; config?: string; json: boolean }): Promise<number> {
  const file = o.config ?? process.env.MMSGW_CONFIG ?? (existsSync('/etc/mmsgw/mmsgw.yaml') ? '/etc/mmsgw/mmsgw.yaml' : undefined);
  const config = file ? loadConfigDetailed(file).config : parseConfig({});
  const port = o.port ?? config.modem.port;
  let report: MmsDoctorReport;
  try {
    report = await mmsDoctor(port, config);
  } catch (e) {
    console.error(`mmsgw doctor --mms: cannot talk to the modem on ${port}: ${errorMessage(e)} (is the gateway running? stop it first)`);
    return 1;
  }
  console.log(o.json ? JSON.stringify(report, null, 2) : renderMms(report));
  return report.check.verdict === 'ok' ? 0 : 1;
}
