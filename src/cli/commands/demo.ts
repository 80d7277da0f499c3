import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import type { CliCommand } from '../registry.js';
import { startSplitDemo, type SplitDemo } from '../../demo/split.js';
import { mergeEndpoints } from '../../demo/endpoints.js';
import { demoPaths, demoStateDir, DEFAULT_DEMO_DIR, MAX_DEMO_MODEMS } from '../../demo/paths.js';
import { peakRssMb } from '../../demo/rss.js';
import { rootLogger } from '../../util/log.js';

/** `--modems N` (N > 1): src/demo/multi-demo.ts, loaded only then. */
async function multiDemo(o: { stateDir: string; modems: number; baud: number; smscMs: number | undefined; durability: 'commit' | 'acknowledge' | undefined; messages: number | undefined; json: boolean; keep: boolean; timeout: string | undefined }): Promise<number> {
  const { runMultiDemo } = await import('../../demo/multi-demo.js');
  const until = (): Promise<void> =>
    new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
  try {
    const summary = await runMultiDemo({ stateDir: o.stateDir, modems: o.modems, baudRate: o.baud, ...(o.smscMs !== undefined ? { smscMs: o.smscMs } : {}), ...(o.durability !== undefined ? { durability: o.durability } : {}), ...(o.messages !== undefined ? { messages: o.messages } : { until: until() }), ...(o.timeout ? { timeoutMs: Number(o.timeout) * 1000 } : {}), print: (s) => console.log(s) });
    if (!summary) return 0;
    console.log(o.json ? JSON.stringify(summary) : summary);
    const spread = summary.modems.every((m) => summary.messages < summary.modems.length || (m.in > 0 && m.out > 0));
    return summary.lost > 0 || summary.duplicates > 0 || !spread ? 1 : 0;
  } finally {
    if (o.messages !== undefined && !o.keep) rmSync(o.stateDir, { recursive: true, force: true });
  }
}

const usage = `usage: mmsgw demo [--state-dir DIR] [--baud N] [--smsc-ms MS] [--durability D] [--profile NAME] [--modems N] [--messages N [--json] [--seed N] [--timeout SECONDS] [--keep] [--no-reports]]
       mmsgw demo send sms  [--state-dir DIR] --from NUMBER --text TEXT [--timeout SECONDS] [--json]
       mmsgw demo send mms  [--state-dir DIR] --from NUMBER --image FILE [--text TEXT] [--timeout SECONDS] [--json]
       mmsgw demo send mail [--state-dir DIR] --to NUMBER --text TEXT [--image FILE] [--timeout SECONDS] [--json]

Runs the whole gateway on this machine with no hardware: the modem simulator on a real
pseudo-terminal, the MMSC simulator on HTTP, a mail sink on SMTP and a VASP on MM7 (all in a
process of their own), and the real gateway between them. Without --messages it runs until
Ctrl-C; mail received by the sink is written to <state-dir>/mailbox/*.eml, and every address
(the simulators' control sockets under <state-dir>/sim/) is listed in <state-dir>/endpoints.json.

  --state-dir DIR   where the database, blobs, mailbox and control sockets go (default
                    ./${DEFAULT_DEMO_DIR}; with --messages a fresh directory is used and removed
                    unless --keep)
  --baud N          simulated serial line speed (default 115200; 0 = unthrottled)
  --smsc-ms MS      the simulated SMSC's round trip for each SMS the gateway sends (AT+CMGS
                    waits this long for its answer; default 150, 0 = none: the gateway alone)
  --durability D    storage.durability of the demo's gateway: commit (default) or acknowledge
                    (docs/STORAGE.md "Durability")
  --profile NAME    modem dialect: generic, huawei, quectel, simcom, sierra, zte
  --messages N      drive N handset→box MMS, N SMS, N mails out, N API and N MM7 submissions,
                    at once (each stream a few in flight), wait for every one and every
                    delivery report, print a summary with a phase timeline; exit status 1
                    if anything was lost or duplicated or a delivery report is missing
  --seed N          the random seed of the driven traffic (default 7)
  --timeout SECONDS how long to wait (default 120; for send: 60)
  --keep            keep the fresh state directory of a --messages run
  --no-reports      the simulated network sends no delivery reports (a --messages run then
                    fails on them: each missing report counts as a failure)
  --json            print the summary (or what send did) as one JSON document
  --modems N        N simulated modems (1–6), each its own vendor profile (generic, huawei,
                    quectel, …), number and MMSC (default 1); the summary gains
                    "modems": [{port, number, profile, in, out}] (docs/FLEET.md)

'demo send' drives a running demo from another terminal (the same --state-dir):
  sms               a handset sends an SMS to the box (--from NUMBER --text TEXT); prints the
                    mail it became, e.g. "SMS from +1 555-010-0300 → mailbox/000007.eml"
  mms               a handset sends an MMS with a picture (--from NUMBER --image FILE, and
                    --text TEXT beside it); prints the mail it became
  mail              a mail to the box for a phone (--to NUMBER --text TEXT, --image FILE
                    attached makes it an MMS); prints the SMS or MMS it became and whether its
                    delivery report came back
  --from NUMBER     the handset's number (E.164, e.g. +15550100300)
  --to NUMBER       the phone the mail is for
  --text TEXT       the message text
  --image FILE      a JPEG, PNG or GIF to send`;

export const command: CliCommand = {
  summary: 'run the gateway against simulated modem, MMSC and mailbox (what `npm start` runs); `demo send` drives it',
  usage,
  async run(argv) {
    if (argv[0] === 'send') return (await import('./demo-send.js')).runDemoSend(argv.slice(1));
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string' },
        baud: { type: 'string' },
        'smsc-ms': { type: 'string' },
        durability: { type: 'string' },
        profile: { type: 'string' },
        messages: { type: 'string' },
        json: { type: 'boolean', default: false },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        keep: { type: 'boolean', default: false },
        'no-reports': { type: 'boolean', default: false },
        modems: { type: 'string' },
      },
    });
    if (positionals.length > 0) {
      console.error(`mmsgw demo: unexpected '${positionals[0]}' (did you mean 'mmsgw demo send …'?)\n\n${usage}`);
      return 2;
    }
    const modems = values.modems === undefined ? 1 : Number(values.modems);
    if (!Number.isInteger(modems) || modems < 1 || modems > MAX_DEMO_MODEMS) {
      console.error(`mmsgw demo: --modems must be a whole number from 1 to ${MAX_DEMO_MODEMS}, got '${values.modems ?? ''}'`);
      return 2;
    }
    const messages = values.messages === undefined ? undefined : Number(values.messages);
    if (messages !== undefined && (!Number.isInteger(messages) || messages < 0 || messages > 100_000)) {
      console.error(`mmsgw demo: --messages must be a whole number from 0 to 100000, got '${values.messages}'`);
      return 2;
    }
    const baud = values.baud === undefined ? 115200 : Number(values.baud);
    if (!Number.isInteger(baud) || baud < 0) {
      console.error(`mmsgw demo: --baud must be a whole number, got '${values.baud}'`);
      return 2;
    }
    const smscMs = values['smsc-ms'] === undefined ? undefined : Number(values['smsc-ms']);
    if (smscMs !== undefined && (!Number.isInteger(smscMs) || smscMs < 0 || smscMs > 600_000)) {
      console.error(`mmsgw demo: --smsc-ms must be a whole number of milliseconds from 0 to 600000, got '${values['smsc-ms']}'`);
      return 2;
    }
    const durability = values.durability;
    if (durability !== undefined && durability !== 'commit' && durability !== 'acknowledge') {
      console.error(`mmsgw demo: --durability must be commit or acknowledge, got '${durability}'`);
      return 2;
    }
    const timeoutMs = values.timeout === undefined ? 120_000 : Number(values.timeout) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      console.error(`mmsgw demo: --timeout must be a number of seconds, got '${values.timeout}'`);
      return 2;
    }
    const scripted = messages !== undefined;
    const stateDir = demoStateDir(values['state-dir'] ?? (scripted ? `.mmsgw-demo-run-${process.pid}` : undefined));
    if (scripted) rootLogger({ level: process.env.MMSGW_LOG_LEVEL ?? 'warn' });
    if (modems > 1) return multiDemo({ stateDir, modems, baud, smscMs, durability, messages, json: values.json, keep: values.keep || values['state-dir'] !== undefined, timeout: values.timeout });
    // A running demo stops cleanly on Ctrl-C / SIGTERM, also one that comes while it starts (the
    // simulators' process stops on Ctrl-C itself, and whenever this process is gone).
    let stopRequested = false;
    const stopSignal = scripted
      ? Promise.resolve()
      : new Promise<void>((done) => {
          const on = (): void => {
            stopRequested = true;
            done();
          };
          process.once('SIGINT', on);
          process.once('SIGTERM', on);
        });
    const noReports = values['no-reports'] === true ? { reportDelayMs: null, smsReportDelayMs: null } : {};
    const starting = startSplitDemo({ stateDir, baudRate: baud, ...noReports, ...(smscMs !== undefined ? { smscMs } : {}), ...(durability !== undefined ? { durability } : {}), ...(values.profile ? { profile: values.profile } : {}) });
    starting.catch(() => undefined); // its failure is thrown by the await below
    // Loaded while the simulators start (./split.ts); the driver runs in a process of its own.
    const { startDemoApi } = await import('../../demo/api.js');
    const env = await starting;
    const api = await startDemoApi(env);
    const webUrl = env.gateway.webUrl;
    const endpointsPath = mergeEndpoints(stateDir, { ...(webUrl ? { web: webUrl } : {}), simulators: { ...env.simulators, mailIn: `smtp://127.0.0.1:${env.smtpInPort}` } });
    if (scripted) {
      try {
        // The driver in a process of its own: this process is the gateway alone, and its peak RSS is the gateway's.
        const { driveInProcess } = await import('../../demo/drive-process.js');
        const { driven, api: a, peakRssMb: driverPeak } = await driveInProcess({
          endpoints: env.simulators,
          dbPath: env.gateway.store.path,
          ownNumber: env.config.box.ownNumber ?? null,
          smtpInPort: env.smtpInPort,
          api: { url: api.url, token: api.token },
          messages,
          seed: values.seed ? Number(values.seed) : 7,
          timeoutMs,
        });
        const sims = env.simulatorPids.map((pid) => peakRssMb(pid)).filter((x): x is number => x !== undefined);
        const summary = {
          ...driven,
          api: a,
          lost: driven.lost + (a.sent - a.submitted),
          peakRssMb: peakRssMb() ?? driven.peakRssMb,
          ...(driverPeak !== undefined ? { driverPeakRssMb: driverPeak } : {}),
          ...(sims.length > 0 ? { simulatorsPeakRssMb: Math.round(sims.reduce((x, y) => x + y, 0) * 10) / 10 } : {}),
          ...(webUrl ? { web: webUrl } : {}),
        };
        if (values.json) console.log(JSON.stringify(summary));
        else console.log(summary);
        if (summary.missingReports > 0) console.error(`mmsgw demo: ${summary.missingReports} delivery report(s) missing`);
        return summary.lost > 0 || summary.duplicates > 0 || summary.missingReports > 0 ? 1 : 0;
      } finally {
        await api.stop();
        await env.stop();
        if (!values.keep && values['state-dir'] === undefined) rmSync(stateDir, { recursive: true, force: true });
      }
    }
    const { seedDemo } = await import('../../demo/seed.js');
    const seeded = stopRequested
      ? false
      : await seedDemo(env).catch((e: unknown) => {
          console.error(`mmsgw demo: could not seed sample conversations: ${(e as Error).message}`);
          return false;
        });
    console.log(banner(env, { webUrl, apiUrl: api.url, endpointsPath, stateDir, seeded, dirFlag: values['state-dir'] === undefined ? '' : ` --state-dir ${values['state-dir']}` }));
    const lost = await Promise.race([stopSignal.then(() => undefined), env.simulatorsLost]);
    if (lost !== undefined) console.error(`mmsgw demo: ${lost}; stopping`);
    await api.stop();
    await env.stop();
    return lost === undefined ? 0 : 1;
  },
};

function banner(env: SplitDemo, o: { webUrl: string | undefined; apiUrl: string; endpointsPath: string; stateDir: string; seeded: boolean; dirFlag: string }): string {
  const s = env.simulators;
  const p = demoPaths(o.stateDir);
  return [
    `mmsgw demo is running — open ${o.webUrl ?? '(web interface disabled)'} in a browser`,
    '',
    'No hardware involved (the simulators run in a process of their own):',
    `  simulated modem  ${p.modemLink()} (control socket ${s.modem.control})`,
    `  simulated MMSC   ${s.mmsc.url} (WAP proxy ${s.mmsc.proxy}, control ${s.mmsc.control} or socket ${s.mmsc.controlSocket})`,
    `  mail sink        ${s.mailSink.smtp}, mails in ${s.mailSink.mailbox} (control socket ${s.mailSink.control})`,
    `  mail in          smtp://127.0.0.1:${env.smtpInPort} (write to box+<number>@mmsgw.localhost from @mmsgw.localhost)`,
    `  REST API         ${o.apiUrl} (token in ${o.endpointsPath})`,
    `  MM7              ${env.mm7.url} (VASP ${env.mm7.vaspId}; credentials in ${o.endpointsPath}, see docs/MM7.md)`,
    `  state            ${o.stateDir}`,
    `  endpoints        ${o.endpointsPath}`,
    ...(o.seeded ? ['', 'Seeded three sample conversations (MMS with pictures, SMS, a group MMS).'] : []),
    '',
    'Drive it from another terminal (docs/SIMULATOR.md, "Drive the demo by hand"):',
    `  mmsgw demo send sms${o.dirFlag} --from +15550100300 --text 'Hello box'`,
    `  mmsgw demo send mms${o.dirFlag} --from +15550100200 --image photo.jpg --text 'Look!'`,
    `  mmsgw demo send mail${o.dirFlag} --to +15550100300 --text 'Hello phone'`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}
