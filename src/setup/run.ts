import { join } from 'node:path';
import { stringify } from 'yaml';
import { mmsSettings, withMmsSettings, type MmsSettings } from '../app/carrier-settings.js';
import { parseConfig, type Config } from '../config/index.js';
import { startupProblems } from '../config/check.js';
import { E164 } from '../config/fields.js';
import { ConfigInvalidError } from '../config/issues.js';
import { findPortHolders, modemManagerActive } from '../modem/port-holders.js';
import { probeModem, type ProbeReport } from '../modem/probe.js';
import { unlockSim } from '../modem/sim.js';
import { MmsgwError, errorMessage } from '../util/errors.js';
import { configInput, secretsFileText, secretsOf, type SetupAnswers } from './build.js';
import { firstAtPort } from './at-probe.js';
import { checkMms, type MmsCheckResult } from './mms-check.js';
import { sendTestMail } from './mail-check.js';
import { openAtSession } from './session.js';
import { readSpn } from './sim-files.js';
import { scanModems, type FoundModem } from './sysfs.js';
import { installSteps } from './install.js';
import { writeFileDurably } from './write.js';

/** How setup talks to its user: lines to stderr, and questions when interactive. */
export interface SetupIo {
  say(line: string): void;
  /** Undefined when non-interactive: a missing answer is then an error naming the flag. */
  ask?(question: string, fallback?: string, secret?: boolean): Promise<string>;
}

/** Everything that may be given as flags (`mmsgw setup --help`). */
export interface SetupFlags {
  port?: string;
  pin?: string;
  number?: string;
  bearer?: SetupAnswers['bearer']['kind'];
  interface?: string;
  pppDataPort?: string;
  apn?: string;
  apnUser?: string;
  apnPassword?: string;
  mmsc?: string;
  proxy?: string;
  mailbox?: string;
  smtpHost?: string;
  smtpPort?: number;
  smtpSecurity?: 'starttls' | 'tls' | 'none';
  smtpUser?: string;
  smtpPassword?: string;
  fromDomain?: string;
  mailIn?: 'smtp' | 'none';
  smtpInPort?: number;
  allowedDomains?: string[];
  allowedSenders?: string[];
  stateDir?: string;
}

export interface SetupOptions {
  readonly flags: SetupFlags;
  readonly dryRun: boolean;
  readonly configPath: string;
  readonly secretsPath?: string;
  readonly sysfsRoot?: string;
  readonly devRoot?: string;
  readonly skipMmsTest?: boolean;
  readonly skipMailTest?: boolean;
  readonly timeoutMs?: number;
}

export interface SetupResult {
  readonly ok: boolean;
  readonly yaml: string;
  readonly config?: Config;
  readonly written: readonly string[];
  readonly modems: readonly FoundModem[];
  readonly probe?: ProbeReport;
  readonly settings?: MmsSettings;
  readonly mmsCheck?: MmsCheckResult;
  readonly steps: readonly string[];
}

class SetupError extends MmsgwError {
  constructor(message: string) {
    super('SETUP_FAILED', message);
  }
}

async function answer(io: SetupIo, flag: string | undefined, question: string, flagName: string, fallback?: string, secret = false): Promise<string> {
  if (flag !== undefined) return flag;
  if (io.ask) return (await io.ask(question, fallback, secret)).trim() || (fallback ?? '');
  if (fallback !== undefined) return fallback;
  throw new SetupError(`${flagName} is required with --non-interactive (${question.replace(/[?:]\s*$/, '')})`);
}

/** Finds the AT port: the one given, else the first tty of an attached modem that answers AT. */
async function findPort(o: SetupOptions, io: SetupIo): Promise<{ port: string; modem?: FoundModem; modems: FoundModem[] }> {
  const modems = o.flags.port ? [] : await scanModems(o.sysfsRoot ?? '/sys');
  for (const m of modems) {
    io.say(`found ${m.name} (${m.vendorId}:${m.productId}) at USB ${m.usbName}: ${m.mode}${m.ttys.length ? `, ttys ${m.ttys.join(' ')}` : ''}${m.nets.length ? `, network ${m.nets.join(' ')}` : ''}`);
    if (m.advice) io.say(`  ! ${m.advice}${m.note ? ` (${m.note})` : ''}`);
  }
  if (o.flags.port) return { port: o.flags.port, modems };
  for (const m of modems.filter((x) => x.mode === 'modem')) {
    const port = await firstAtPort(m.ttys.map((t) => join(o.devRoot ?? '/dev', t)));
    if (port) {
      io.say(`${port} answers AT (${m.name})`);
      return { port, modem: m, modems };
    }
    io.say(`  none of ${m.ttys.join(', ')} answers AT: see ${m.note ?? 'firmware-notes/generic.md'}`);
  }
  const why = modems.length === 0 ? 'no modem found on USB' : 'no attached modem has a port that answers AT';
  throw new SetupError(`${why}; plug one in (a powered hub on a Raspberry Pi), follow the advice above, or give --port PATH`);
}

/** Opens the SIM with the PIN, once: a refused PIN is never entered again (3 wrong PINs lock the SIM). */
async function unlock(port: string, o: SetupOptions, io: SetupIo): Promise<string | undefined> {
  const refused = new Set<string>();
  for (;;) {
    const pin = await answer(io, refused.size === 0 ? o.flags.pin : undefined, 'SIM PIN:', '--pin', undefined, true);
    if (refused.has(pin)) {
      io.say('that PIN was refused already and is not entered again');
      continue;
    }
    const channel = await openAtSession(port);
    try {
      await unlockSim(channel, pin);
      io.say('SIM unlocked');
      return pin;
    } catch (e) {
      if (e instanceof MmsgwError && e.code === 'MODEM_SIM_PIN_WRONG') {
        refused.add(pin);
        if (!io.ask) throw new SetupError('the SIM refused the PIN given with --pin; it is not tried again: check it (a wrong PIN three times locks the SIM)');
        io.say('the SIM refused that PIN');
        continue;
      }
      throw e;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}

function plmnOf(p: ProbeReport): string | undefined {
  return p.network?.operator?.numeric;
}

/**
 * `mmsgw setup`: finds the modem, checks SIM and network, proposes and tests the carrier's
 * MMS settings, asks for mail, and writes a validated configuration with the secrets in a
 * separate 0600 file (nothing is written with `dryRun`).
 */
export async function runSetup(o: SetupOptions, io: SetupIo): Promise<SetupResult> {
  const f = o.flags;
  const steps: string[] = [];
  const { port, modem, modems } = await findPort(o, io);
  // ModemManager (or anything else) on the port would interleave its own AT commands with ours.
  const holders = port.startsWith('tcp://') ? [] : await findPortHolders(port);
  if (holders.length > 0) io.say(`  ! ${port} is open in ${holders.map((h) => `${h.command} (pid ${h.pid})`).join(', ')}: stop it, or install systemd/udev/70-mmsgw-modem.rules (ModemManager ignores the modem)`);
  else if ((await modemManagerActive()) === true) io.say('  ! ModemManager is running: the udev rule installed below keeps it off the modem');

  let probe = await probeModem(port, { timeoutMs: o.timeoutMs ?? 5000 });
  if (!probe.responding) throw new SetupError(`${port} does not answer AT: ${probe.error ?? 'no answer'}`);
  io.say(`modem: ${probe.identity?.manufacturer ?? '?'} ${probe.identity?.model ?? ''} (${probe.identity?.revision ?? ''}), profile ${probe.profile ?? 'generic'}`);
  let pin: string | undefined;
  if (probe.sim === 'pin-required') {
    pin = await unlock(port, o, io);
    probe = await probeModem(port, { timeoutMs: o.timeoutMs ?? 5000 });
  }
  if (probe.sim !== 'ready') throw new SetupError(`the SIM is ${probe.sim ?? 'unknown'}: ${probe.sim === 'absent' ? 'seat the SIM (contacts down) and power-cycle the modem' : probe.sim === 'puk-required' ? 'it needs its PUK: unblock it in a phone' : 'it needs attention in a phone'}`);
  const reg = probe.network?.eps?.state ?? probe.network?.cs?.state ?? probe.network?.ps?.state;
  io.say(`SIM ready, IMSI ${probe.imsi ?? '?'}, network ${probe.network?.operator?.name ?? '?'} (${reg ?? 'unknown'})`);
  if (reg !== 'home' && reg !== 'roaming') io.say('  ! not registered: MMS cannot be tested until it is (antenna, coverage, an active SIM)');

  const channel = await openAtSession(port);
  try {
    const spn = await readSpn(channel);
    if (spn) io.say(`service provider name (EF_SPN): ${spn}`);

    // Own number: given, from the SIM (+CNUM), or asked.
    let ownNumber = f.number ?? probe.msisdn;
    if (ownNumber) io.say(`own number: ${ownNumber}${f.number ? '' : ' (+CNUM)'}`);
    else if (io.ask) ownNumber = (await io.ask('the SIM does not know its own number; number in international form (+49…), or empty:')).trim() || undefined;
    else io.say('  ! the SIM does not hold its own number (+CNUM): give --number +E164 for reply addresses');
    if (ownNumber !== undefined && !E164.test(ownNumber)) throw new SetupError(`--number: expected an E.164 number like +4915112345678, got '${ownNumber}'`);

    // Carrier settings: the flags win, the rest from the carrier database.
    const draft = parseConfig({ bearer: { ...(f.apn ? { apn: f.apn } : {}), ...(f.apnUser ? { apnUser: f.apnUser } : {}), ...(f.apnPassword ? { apnPassword: f.apnPassword } : {}) }, mmsc: { ...(f.mmsc ? { url: f.mmsc } : {}), ...(f.proxy ? { proxy: f.proxy } : {}) } });
    const settings = mmsSettings(draft, { ...(probe.imsi ? { imsi: probe.imsi } : {}), ...(!probe.imsi && plmnOf(probe) ? { plmn: plmnOf(probe) } : {}), ...(spn ? { spn } : {}) });
    for (const k of ['apn', 'apnUser', 'mmscUrl', 'proxy'] as const) io.say(`  ${k.padEnd(8)} ${settings[k].value ?? '-'}  (${settings[k].source})`);
    if (settings.match?.ambiguous) io.say(`  ! ${settings.match.plmn} is shared by ${[settings.match.entry.name, ...settings.match.alternatives.map((x) => x.name)].join(', ')}: check the proposal, or give --apn/--mmsc/--proxy`);
    const accept = io.ask ? (await io.ask('use these MMS settings? [Y/n]', 'y')).toLowerCase() !== 'n' : true;
    const apn = accept ? settings.apn.value : await answer(io, undefined, 'MMS APN:', '--apn');
    const mmscUrl = accept ? settings.mmscUrl.value : await answer(io, undefined, 'MMSC URL:', '--mmsc');
    const proxy = accept ? settings.proxy.value : (await answer(io, undefined, 'MMS proxy host:port (empty: none):', '--proxy', '')) || undefined;
    if (!mmscUrl) throw new SetupError('no MMSC URL for this SIM in the carrier database: give --mmsc URL (and --proxy, --apn) from the carrier\'s MMS settings');

    const bearerKind = f.bearer ?? (modem?.nets[0] ? 'interface' : 'system');
    const bearer: SetupAnswers['bearer'] = { kind: bearerKind, ...(f.interface ?? modem?.nets[0] ? { interface: f.interface ?? modem?.nets[0] } : {}), ...(f.pppDataPort ? { pppDataPort: f.pppDataPort } : {}) };

    // Mail.
    const mailbox = await answer(io, f.mailbox, 'mailbox that receives SMS and MMS:', '--mailbox');
    const smtpHost = await answer(io, f.smtpHost, 'SMTP relay host:', '--smtp-host');
    const security = (f.smtpSecurity ?? (await answer(io, undefined, 'SMTP security (starttls, tls, none):', '--smtp-security', 'starttls'))) as 'starttls' | 'tls' | 'none';
    const smtpPort = f.smtpPort ?? Number(await answer(io, undefined, 'SMTP port:', '--smtp-port', security === 'tls' ? '465' : '587'));
    const smtpUser = f.smtpUser ?? (io.ask ? (await io.ask('SMTP user (empty: none):')).trim() || undefined : undefined);
    const smtpPassword = smtpUser ? await answer(io, f.smtpPassword, 'SMTP password:', '--smtp-password', undefined, true) : undefined;
    const mailIn = f.mailIn ?? (io.ask ? ((await io.ask('accept mail to send as SMS/MMS on a local SMTP port? [y/N]', 'n')).toLowerCase() === 'y' ? 'smtp' : 'none') : 'none');
    const inbound: SetupAnswers['mail']['inbound'] =
      mailIn === 'smtp'
        ? { kind: 'smtp', port: f.smtpInPort ?? 2525, allowedDomains: f.allowedDomains ?? [], allowedSenders: f.allowedSenders ?? (io.ask ? [(await io.ask('address allowed to send:', mailbox)).trim()] : []) }
        : { kind: 'none' };

    const answers: SetupAnswers = {
      port,
      ...(probe.profile ? { profile: probe.profile } : {}),
      ...(f.stateDir ? { stateDir: f.stateDir } : {}),
      ...(pin ? { pin } : {}),
      ...(ownNumber ? { ownNumber } : {}),
      bearer,
      ...(apn ? { apn } : {}),
      ...(settings.apnUser.value && accept ? { apnUser: settings.apnUser.value } : {}),
      ...((accept ? settings.apnPassword.value : f.apnPassword) ? { apnPassword: (accept ? settings.apnPassword.value : f.apnPassword) as string } : {}),
      mmscUrl,
      ...(proxy ? { proxy } : {}),
      mail: { mailbox, smtp: { host: smtpHost, port: smtpPort, security, ...(smtpUser ? { user: smtpUser } : {}), ...(smtpPassword ? { password: smtpPassword } : {}) }, ...(f.fromDomain ? { fromDomain: f.fromDomain } : {}), inbound },
    };

    // Validate exactly as `mmsgw run` will: the file plus the secrets.
    const input = configInput(answers);
    const secrets = secretsOf(answers);
    const config = validate(input, secrets);
    const yaml = `# mmsgw configuration, written by mmsgw setup ${new Date().toISOString()}.\n# MMS settings: ${settings.mmscUrl.source}.\n# Secrets are in ${o.secretsPath ?? join(o.configPath, '..', 'secrets.env')} (mode 0600).\n${stringify(input)}`;

    let mmsCheck: MmsCheckResult | undefined;
    if (!o.skipMmsTest) {
      io.say('testing the MMS settings:');
      mmsCheck = await checkMms({ config: withMmsSettings(config, mmsSettings(config, { ...(probe.imsi ? { imsi: probe.imsi } : {}) })), settings, channel, ...(probe.profile ? { profile: probe.profile } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
      for (const s of mmsCheck.steps) io.say(`  [${s.verdict}] ${s.step}: ${s.detail}${s.advice ? `\n      ! ${s.advice}` : ''}`);
    }
    if (!o.skipMailTest) {
      io.say(`sending a test mail to ${mailbox}:`);
      const outcome = await sendTestMail(config, mailbox);
      io.say(`  ${outcome}`);
      steps.push(`mail test: ${outcome}`);
    }
    const ok = mmsCheck?.verdict !== 'fail';
    const written: string[] = [];
    const secretsPath = o.secretsPath ?? join(o.configPath, '..', 'secrets.env');
    if (!o.dryRun && ok) {
      writeFileDurably(o.configPath, yaml, 0o644);
      written.push(o.configPath);
      if (Object.keys(secrets).length > 0) {
        writeFileDurably(secretsPath, secretsFileText(secrets, new Date()), 0o600);
        written.push(secretsPath);
      }
      for (const w of written) io.say(`wrote ${w}`);
    } else if (!ok) io.say('the MMS test failed: nothing written (fix the settings above, or --skip-mms-test)');
    steps.push(...installSteps({ configPath: o.configPath, secretsPath, bearerKind }));
    return { ok, yaml, config, written, modems, probe, settings, ...(mmsCheck ? { mmsCheck } : {}), steps };
  } finally {
    await channel.close().catch(() => undefined);
  }
}

function validate(input: ReturnType<typeof configInput>, secrets: Record<string, string>): Config {
  // The secrets reach the configuration the way the unit's EnvironmentFile= gives them.
  const withSecrets = structuredClone(input) as Record<string, unknown>;
  const set = (path: string[], v: string): void => {
    let node = withSecrets;
    for (const p of path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1] as string] = v;
  };
  if (secrets.MMSGW_SIM_PIN) set(['modem', 'pin'], secrets.MMSGW_SIM_PIN);
  if (secrets.MMSGW_APN_PASSWORD) set(['bearer', 'apnPassword'], secrets.MMSGW_APN_PASSWORD);
  if (secrets.MMSGW_SMTP_PASSWORD) set(['mail', 'out', 'smtp', 'auth', 'password'], secrets.MMSGW_SMTP_PASSWORD);
  const config = parseConfig(withSecrets);
  const missing = startupProblems(config, withSecrets);
  if (missing.length > 0) throw new ConfigInvalidError(missing);
  return config;
}

export { errorMessage };
