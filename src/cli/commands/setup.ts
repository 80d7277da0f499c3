import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../registry.js';
import { runSetup, type SetupFlags, type SetupIo } from '../../setup/run.js';
import { installPlan, performInstall } from '../../setup/install.js';
import { errorMessage } from '../../util/errors.js';

const USAGE = `usage: mmsgw setup [--non-interactive] [--dry-run] [--install] [options]

Finds the modem (USB ids, interfaces, ttys and network devices from sysfs; says which are in
storage/CD-ROM or HiLink mode and what to do), probes which tty answers AT, checks the SIM (a
refused PIN is never entered twice), registration and own number, proposes the carrier's MMS
settings from the carrier database and tests them (context, DNS, MMSC through the proxy),
asks for the mail settings and sends a test mail, then writes a validated configuration and
the secrets in a separate 0600 file. Progress goes to stderr.

  --non-interactive     take everything from flags; a missing one is an error
  --dry-run             write nothing; print the YAML that would be written to stdout
  --install             also run the system steps (user, udev, unit, start; needs root)
  --json                print a summary as JSON on stdout
  --config FILE         where to write (default /etc/mmsgw/mmsgw.yaml)
  --secrets FILE        secrets file (default: secrets.env beside the configuration)
  --port PATH           the AT port (skips the USB scan)
  --sysfs DIR --dev DIR roots for the scan (default /sys, /dev)
  --pin PIN  --number +E164
  --apn APN  --apn-user U  --apn-password P  --mmsc URL  --proxy HOST:PORT   (win over the database)
  --bearer interface|system|ppp|modem-http  --interface NAME  --ppp-data-port PATH
  --mailbox ADDR  --smtp-host H  --smtp-port N  --smtp-security starttls|tls|none
  --smtp-user U  --smtp-password P  --from-domain D
  (--pin, --smtp-password and --apn-password default to $MMSGW_SIM_PIN, $MMSGW_SMTP_PASSWORD and
  $MMSGW_APN_PASSWORD, which keeps them out of the shell history; typed answers are echoed)
  --mail-in smtp|none  --smtp-in-port N  --allowed-domain D (repeat)  --allowed-sender A (repeat)
  --state-dir DIR  --skip-mms-test  --skip-mail-test`;

const OPTIONS = {
  'non-interactive': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  install: { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  secrets: { type: 'string' },
  port: { type: 'string' },
  sysfs: { type: 'string' },
  dev: { type: 'string' },
  pin: { type: 'string' },
  number: { type: 'string' },
  apn: { type: 'string' },
  'apn-user': { type: 'string' },
  'apn-password': { type: 'string' },
  mmsc: { type: 'string' },
  proxy: { type: 'string' },
  bearer: { type: 'string' },
  interface: { type: 'string' },
  'ppp-data-port': { type: 'string' },
  mailbox: { type: 'string' },
  'smtp-host': { type: 'string' },
  'smtp-port': { type: 'string' },
  'smtp-security': { type: 'string' },
  'smtp-user': { type: 'string' },
  'smtp-password': { type: 'string' },
  'from-domain': { type: 'string' },
  'mail-in': { type: 'string' },
  'smtp-in-port': { type: 'string' },
  'allowed-domain': { type: 'string', multiple: true },
  'allowed-sender': { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'skip-mms-test': { type: 'boolean' },
  'skip-mail-test': { type: 'boolean' },
} as const;

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${name}: expected one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

function portNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`--${name}: expected a port 1..65535, got '${v}'`);
  return n;
}

export const command: CliCommand = {
  summary: 'find the modem, propose and test carrier settings, and write a configuration (interactive or with flags)',
  usage: USAGE,
  async run(argv) {
    let v;
    let flags: SetupFlags;
    try {
      v = parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
      flags = {
        ...(v.port ? { port: v.port } : {}),
        ...(v.pin ? { pin: v.pin } : {}),
        ...(v.number ? { number: v.number } : {}),
        ...(v.apn ? { apn: v.apn } : {}),
        ...(v['apn-user'] ? { apnUser: v['apn-user'] } : {}),
        ...(v['apn-password'] ? { apnPassword: v['apn-password'] } : {}),
        ...(v.mmsc ? { mmsc: v.mmsc } : {}),
        ...(v.proxy ? { proxy: v.proxy } : {}),
        ...(v.bearer ? { bearer: oneOf('bearer', v.bearer, ['interface', 'system', 'ppp', 'modem-http'] as const) } : {}),
        ...(v.interface ? { interface: v.interface } : {}),
        ...(v['ppp-data-port'] ? { pppDataPort: v['ppp-data-port'] } : {}),
        ...(v.mailbox ? { mailbox: v.mailbox } : {}),
        ...(v['smtp-host'] ? { smtpHost: v['smtp-host'] } : {}),
        ...(v['smtp-port'] ? { smtpPort: portNumber('smtp-port', v['smtp-port']) } : {}),
        ...(v['smtp-security'] ? { smtpSecurity: oneOf('smtp-security', v['smtp-security'], ['starttls', 'tls', 'none'] as const) } : {}),
        ...(v['smtp-user'] ? { smtpUser: v['smtp-user'] } : {}),
        ...(v['smtp-password'] ? { smtpPassword: v['smtp-password'] } : {}),
        ...(v['from-domain'] ? { fromDomain: v['from-domain'] } : {}),
        ...(v['mail-in'] ? { mailIn: oneOf('mail-in', v['mail-in'], ['smtp', 'none'] as const) } : {}),
        ...(v['smtp-in-port'] ? { smtpInPort: portNumber('smtp-in-port', v['smtp-in-port']) } : {}),
        ...(v['allowed-domain'] ? { allowedDomains: v['allowed-domain'] } : {}),
        ...(v['allowed-sender'] ? { allowedSenders: v['allowed-sender'] } : {}),
        ...(v['state-dir'] ? { stateDir: resolve(v['state-dir']) } : {}),
      };
    } catch (e) {
      console.error(`${errorMessage(e)}\n\n${USAGE}`);
      return 2;
    }
    // Secrets may come from the environment instead of the command line (shell history).
    flags = {
      ...flags,
      ...(flags.pin === undefined && process.env.MMSGW_SIM_PIN ? { pin: process.env.MMSGW_SIM_PIN } : {}),
      ...(flags.smtpPassword === undefined && process.env.MMSGW_SMTP_PASSWORD ? { smtpPassword: process.env.MMSGW_SMTP_PASSWORD } : {}),
      ...(flags.apnPassword === undefined && process.env.MMSGW_APN_PASSWORD ? { apnPassword: process.env.MMSGW_APN_PASSWORD } : {}),
    };
    const interactive = v['non-interactive'] !== true;
    const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true }) : undefined;
    // Lines are read through one iterator, so answers piped in ahead of their questions wait for them.
    const lines = rl?.[Symbol.asyncIterator]();
    const io: SetupIo = {
      say: (line) => process.stderr.write(`${line}\n`),
      ...(lines
        ? {
            ask: async (q: string, fallback?: string) => {
              process.stderr.write(`${q}${fallback !== undefined ? ` [${fallback}]` : ''} `);
              const next = await lines.next();
              if (next.done) throw new Error(`no answer to '${q}' (input ended); use --non-interactive with flags for scripts`);
              return String(next.value);
            },
          }
        : {}),
    };
    const configPath = resolve(v.config ?? '/etc/mmsgw/mmsgw.yaml');
    const secretsPath = v.secrets ? resolve(v.secrets) : undefined;
    try {
      const result = await runSetup(
        {
          flags,
          dryRun: v['dry-run'] === true,
          configPath,
          ...(secretsPath ? { secretsPath } : {}),
          ...(v.sysfs ? { sysfsRoot: v.sysfs } : {}),
          ...(v.dev ? { devRoot: v.dev } : {}),
          skipMmsTest: v['skip-mms-test'] === true,
          skipMailTest: v['skip-mail-test'] === true,
        },
        io,
      );
      if (v['dry-run'] && !v.json) process.stdout.write(result.yaml);
      if (v.json) console.log(JSON.stringify({ ok: result.ok, written: result.written, modems: result.modems, mmsCheck: result.mmsCheck ?? null, steps: result.steps, ...(v['dry-run'] ? { yaml: result.yaml } : {}) }));
      if (!result.ok) return 1;
      if (v.install && result.written.length > 0) {
        const plan = installPlan({ configPath, secretsPath: secretsPath ?? resolve(configPath, '..', 'secrets.env'), bearerKind: result.config?.bearer.kind });
        return performInstall(plan, undefined, io.say) ? 0 : 1;
      }
      io.say(['', 'next steps (or run again with --install, as root):', ...result.steps.map((s) => `  ${s}`)].join('\n'));
      return 0;
    } finally {
      rl?.close();
    }
  },
};
