import { parseArgs } from 'node:util';
import { findPortHolders, modemManagerActive, type PortHolder } from '../../modem/port-holders.js';
import { probeModem, type ProbeReport } from '../../modem/probe.js';
import { profileById } from '../../modem/profiles/index.js';
import type { ProfileId } from '../../modem/profiles/index.js';
import type { Registration } from '../../modem/commands/creg.js';
import type { CliCommand } from '../registry.js';
import { runMmsDoctor } from './doctor-mms.js';
import { mmsSettings } from '../../app/carrier-settings.js';
import { loadConfig, modemEntries, parseConfig } from '../../config/index.js';
import { openAtSession } from '../../setup/session.js';
import { readSpn } from '../../setup/sim-files.js';
import { mailInWarnings } from '../../app/mail-in.js';

const USAGE = `usage: mmsgw doctor --port PATH [--baud N] [--profile ID] [--config FILE] [--json]
       mmsgw doctor --modems [--config FILE] [--json]
       mmsgw doctor --mms [--config FILE] [--port PATH] [--json]

Probes the modem on PATH (a tty such as /dev/ttyUSB2, the udev name /dev/mmsgw-modem, or
tcp://host:port for ser2net) and reports its identity, the profile the gateway would use, the
SIM, registration, operator, signal and SMS storage. It changes no settings and never enters
a PIN. It also checks whether ModemManager (or any other process) holds the port.

  --port PATH     the AT port (required)
  --baud N        serial speed for UART modems (default 115200; USB modems ignore it)
  --profile ID    force a profile: generic, huawei, quectel, simcom, sierra, zte
  --json          print the report as JSON
  --modems        probe every modem of the configuration (\`modems:\`, or the one \`modem:\`)
                  in turn, each with its id and own number; exit 1 when any does not answer.
                  Stop the service first (the ports are the gateway's)

With --mms it also checks the MMS path step by step, as the gateway will use it: the MMS
settings and where each came from (configuration, carrier profile, carrier database), the MMS
context with the APN, the MMSC's and proxy's names through the bearer's DNS, and an HTTP request
to the MMSC through the proxy — each with a verdict and advice. Stop the service first (the
port is the gateway's); the check activates the MMS context and deactivates it again.

  --config FILE   the configuration (default $MMSGW_CONFIG, else /etc/mmsgw/mmsgw.yaml when
                  it exists, else the defaults); --port overrides its modem.port. Without
                  --mms, a given --config is checked too: its mail-in authorisation warns
                  when it trusts From alone`;

interface DoctorReport extends ProbeReport {
  /** The SIM's service provider name (EF_SPN), which tells MVNOs on one network code apart. */
  readonly spn?: string;
  /** The carrier's MMS settings for this SIM, with where each comes from (no configuration read). */
  readonly carrier?: Readonly<Record<string, { value: string | null; source: string }>>;
  readonly holders: readonly PortHolder[];
  readonly modemManager: boolean | undefined;
  readonly advice: readonly string[];
}

function advice(r: ProbeReport, holders: readonly PortHolder[], mm: boolean | undefined): string[] {
  const out: string[] = [];
  const mmHolds = holders.some((h) => /modemmanager/i.test(h.command));
  if (mmHolds || mm === true) {
    out.push(
      mmHolds ? 'ModemManager holds this port: it will interleave its own AT commands with ours.' : 'ModemManager is running and may grab the modem.',
      'Keep it off the modem: install systemd/udev/70-mmsgw-modem.rules (sets ID_MM_DEVICE_IGNORE=1) to /etc/udev/rules.d/, run `udevadm control --reload && udevadm trigger`, or stop it: `systemctl disable --now ModemManager`.',
    );
  }
  const others = holders.filter((h) => !/modemmanager/i.test(h.command));
  if (others.length > 0) out.push(`Other processes have the port open: ${others.map((h) => `${h.command} (pid ${h.pid})`).join(', ')}.`);
  if (!r.responding) out.push('No AT answer, even after ESC (which ends a pending SMS prompt): check that PATH is the AT port (see firmware-notes/ for which ttyUSB it is), that the stick is in modem (not HiLink/RNDIS) mode, and power-cycle it if it still does not answer.');
  if (r.cancelledPending) out.push('The modem was waiting at an SMS prompt or on a command left by an earlier session (a crash mid-send); it was cancelled with ESC. The gateway does the same at every start.');
  if (r.sim === 'absent') out.push('No SIM detected (+CME ERROR 10): seat the SIM, contacts down, and power-cycle the modem.');
  if (r.sim === 'pin-required') out.push('The SIM wants its PIN: set modem.pin in the configuration.');
  if (r.sim === 'puk-required') out.push('The SIM is PUK-blocked: unblock it in a phone.');
  const reg = r.network?.cs?.state ?? r.network?.eps?.state ?? r.network?.ps?.state;
  if (r.responding && r.sim === 'ready' && reg !== 'home' && reg !== 'roaming') out.push('Not registered: check antenna, coverage and that the SIM is active.');
  return out;
}

/** What the carrier database gives this SIM (`doctor --mms --config` shows it against a configuration). */
function carrierTable(imsi: string, spn: string | undefined): DoctorReport['carrier'] {
  const s = mmsSettings(parseConfig({}), { imsi, ...(spn ? { spn } : {}) });
  return Object.fromEntries((['apn', 'mmscUrl', 'proxy'] as const).map((k) => [k, { value: s[k].value ?? null, source: s[k].source }]));
}

/** EF_SPN, in a short session of its own (the probe has closed the port). */
async function readSpnOf(port: string, baudRate: number | undefined): Promise<string | undefined> {
  try {
    const channel = await openAtSession(port, baudRate ? { baudRate } : {});
    try {
      return await readSpn(channel);
    } finally {
      await channel.close();
    }
  } catch {
    return undefined;
  }
}

function line(label: string, value: unknown): string {
  return `  ${label.padEnd(14)} ${value === undefined || value === '' ? '-' : String(value)}`;
}

function render(r: DoctorReport): string {
  const n = r.network;
  const sig = n?.signal;
  const signal = sig ? [sig.rssiDbm !== undefined ? `RSSI ${sig.rssiDbm} dBm` : '', sig.rsrpDbm !== undefined ? `RSRP ${sig.rsrpDbm} dBm` : '', sig.rsrqDb !== undefined ? `RSRQ ${sig.rsrqDb} dB` : '', sig.sinrDb !== undefined ? `SINR ${sig.sinrDb} dB` : ''].filter(Boolean).join(', ') : undefined;
  const reg = (x: Registration | undefined): string | undefined => (x ? `${x.state}${x.accessTechnology ? ` (${x.accessTechnology})` : ''}${x.lac ? ` lac ${x.lac} cell ${x.cellId ?? '?'}` : ''}` : undefined);
  const out = [
    `mmsgw doctor — ${r.port}`,
    line('responding', r.responding ? 'yes' : `no${r.error ? `: ${r.error}` : ''}`),
    line('usb', r.usb ? `${r.usb.vendorId}:${r.usb.productId} at ${r.usb.name}` : undefined),
    line('manufacturer', r.identity?.manufacturer),
    line('model', r.identity?.model),
    line('revision', r.identity?.revision),
    line('imei', r.identity?.imei),
    line('profile', r.profile ? `${r.profile} (${profileById(r.profile)?.name ?? ''})` : undefined),
    line('sim', r.sim),
    line('imsi', r.imsi),
    line('iccid', r.iccid),
    line('spn', r.spn),
    line('number', r.msisdn),
    line('cs (+CREG)', reg(n?.cs)),
    line('ps (+CGREG)', reg(n?.ps)),
    line('eps (+CEREG)', reg(n?.eps)),
    line('operator', n?.operator ? `${n.operator.name ?? ''} ${n.operator.numeric ? `(${n.operator.numeric})` : ''}`.trim() : undefined),
    line('technology', n?.technology),
    line('signal', signal),
    line('sms storage', r.storage ? `${r.storage.mem1.mem} ${r.storage.mem1.used}/${r.storage.mem1.total}` : undefined),
    line('storages', r.storagesSupported?.join(', ')),
    ...Object.entries(r.carrier ?? {}).map(([k, v]) => line(`mms ${k}`, v.value === null ? `- (${v.source})` : `${v.value} (${v.source})`)),
    line('ModemManager', r.modemManager === undefined ? 'unknown' : r.modemManager ? 'running' : 'not running'),
    line('port held by', r.holders.length ? r.holders.map((h) => `${h.command} (${h.pid})`).join(', ') : 'nobody else'),
  ];
  if (r.advice.length) out.push('', ...r.advice.map((a) => `! ${a}`));
  return out.join('\n');
}

export const command: CliCommand = {
  summary: 'probe a modem: identity, profile, SIM, registration, signal, SMS storage, port conflicts',
  usage: USAGE,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' }, baud: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' }, mms: { type: 'boolean' }, modems: { type: 'boolean' }, config: { type: 'string' } }, strict: true }));
    } catch (e) {
      console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
      return 2;
    }
    if (values.mms) return runMmsDoctor({ ...(values.port ? { port: values.port } : {}), ...(values.config ? { config: values.config } : {}), json: values.json === true });
    if (values.modems) return doctorModems(values.config, values.json === true);
    if (!values.port) {
      console.error(USAGE);
      return 2;
    }
    const baudRate = values.baud === undefined ? undefined : Number(values.baud);
    if (baudRate !== undefined && (!Number.isInteger(baudRate) || baudRate <= 0)) {
      console.error(`--baud must be a positive integer\n\n${USAGE}`);
      return 2;
    }
    if (values.profile !== undefined && !profileById(values.profile)) {
      console.error(`unknown profile '${values.profile}'\n\n${USAGE}`);
      return 2;
    }
    const configAdvice = values.config ? mailInWarnings(loadConfig(values.config)) : [];
    const report = await doctorPort(values.port, baudRate, values.profile as ProfileId | undefined, configAdvice);
    console.log(values.json ? JSON.stringify(report, null, 2) : render(report));
    return report.responding ? 0 : 1;
  },
};

async function doctorPort(port: string, baudRate: number | undefined, profile: ProfileId | undefined, configAdvice: readonly string[]): Promise<DoctorReport> {
  const [holders, mm] = await Promise.all([port.startsWith('tcp://') ? Promise.resolve([]) : findPortHolders(port), modemManagerActive()]);
  const probe = await probeModem(port, { ...(baudRate ? { baudRate } : {}), ...(profile ? { profile } : {}) });
  const spn = probe.imsi ? await readSpnOf(port, baudRate) : undefined;
  return { ...probe, ...(spn ? { spn } : {}), ...(probe.imsi ? { carrier: carrierTable(probe.imsi, spn) } : {}), holders, modemManager: mm, advice: [...advice(probe, holders, mm), ...configAdvice] };
}

/** `--modems`: every configured modem probed in turn, headed by its id and own number. */
async function doctorModems(configPath: string | undefined, json: boolean): Promise<number> {
  const config = loadConfig(configPath ?? process.env.MMSGW_CONFIG);
  const reports: (DoctorReport & { id: string; number: string | null })[] = [];
  for (const e of modemEntries(config)) {
    // Named by USB identity: no port to probe here (the running gateway finds it when plugged in).
    if (e.usb !== null) {
      console.error(`modem ${e.id}: named by USB identity (${e.modem.port}), not probed; probe its tty with --port`);
      continue;
    }
    const m = e.modem;
    const r = await doctorPort(m.port, m.baudRate, m.profile === 'auto' ? undefined : m.profile, []);
    reports.push({ id: e.id, number: e.number, ...r });
  }
  if (json) console.log(JSON.stringify({ modems: reports }, null, 2));
  else console.log(reports.map((r) => `modem ${r.id}${r.number ? ` (${r.number})` : ''}\n${render(r)}`).join('\n\n'));
  return reports.every((r) => r.responding) ? 0 : 1;
}
