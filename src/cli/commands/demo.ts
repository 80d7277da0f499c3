import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import type { CliCommand } from '../registry.js';
import { startDemo } from '../../demo/environment.js';
import { drive } from '../../demo/drive.js';
import { driveApi, startDemoApi } from '../../demo/api.js';
import { mergeEndpoints } from '../../demo/endpoints.js';
import { seedDemo } from '../../demo/seed.js';
import { rootLogger } from '../../util/log.js';
import { MAX_DEMO_MODEMS } from '../../demo/multi-modem.js';

/** `--modems N` (N > 1): src/demo/multi-demo.ts, loaded only then. */
async function multiDemo(o: { stateDir: string; modems: number; baud: number; messages: number | undefined; json: boolean; keep: boolean; timeout: string | undefined }): Promise<number> {
  const { runMultiDemo } = await import('../../demo/multi-demo.js');
  const until = (): Promise<void> =>
    new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
  try {
    const summary = await runMultiDemo({ stateDir: o.stateDir, modems: o.modems, baudRate: o.baud, ...(o.messages !== undefined ? { messages: o.messages } : { until: until() }), ...(o.timeout ? { timeoutMs: Number(o.timeout) * 1000 } : {}), print: (s) => console.log(s) });
    if (!summary) return 0;
    console.log(o.json ? JSON.stringify(summary) : summary);
    const spread = summary.modems.every((m) => summary.messages < summary.modems.length || (m.in > 0 && m.out > 0));
    return summary.lost > 0 || summary.duplicates > 0 || !spread ? 1 : 0;
  } finally {
    if (o.messages !== undefined && !o.keep) rmSync(o.stateDir, { recursive: true, force: true });
  }
}

const usage = `usage: mmsgw demo [--state-dir DIR] [--baud N] [--profile NAME] [--modems N] [--messages N [--json] [--seed N] [--timeout SECONDS] [--keep]]

Runs the whole gateway on this machine with no hardware: the modem simulator on a real
pseudo-terminal, the MMSC simulator on HTTP, a mail sink on SMTP, and the real gateway
between them. Without --messages it runs until Ctrl-C; mail received by the sink is written
to <state-dir>/mailbox/*.eml.

  --state-dir DIR   where the database, blobs and mailbox go (default ./.mmsgw-demo; with
                    --messages a fresh directory is used and removed unless --keep)
  --baud N          simulated serial line speed (default 115200; 0 = unthrottled)
  --profile NAME    modem dialect: generic, huawei, quectel, simcom, sierra, zte
  --messages N      drive N handset→box MMS, N SMS, N mails out and N MM7 submissions, wait,
                    print a summary;
                    exit status 1 if anything was lost or duplicated
  --json            print the summary as JSON
  --modems N        N simulated modems (1–6), each its own vendor profile (generic, huawei,
                    quectel, …), number and MMSC (default 1); the summary gains
                    "modems": [{port, number, profile, in, out}] (docs/FLEET.md)`;

export const command: CliCommand = {
  summary: 'run the gateway against simulated modem, MMSC and mailbox (what `npm start` runs)',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'state-dir': { type: 'string' },
        baud: { type: 'string' },
        profile: { type: 'string' },
        messages: { type: 'string' },
        json: { type: 'boolean', default: false },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        keep: { type: 'boolean', default: false },
        modems: { type: 'string' },
      },
    });
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
    const scripted = messages !== undefined;
    const stateDir = resolve(values['state-dir'] ?? (scripted ? `.mmsgw-demo-run-${process.pid}` : '.mmsgw-demo'));
    if (scripted) rootLogger({ level: process.env.MMSGW_LOG_LEVEL ?? 'warn' });
    if (modems > 1) return multiDemo({ stateDir, modems, baud, messages, json: values.json, keep: values.keep || values['state-dir'] !== undefined, timeout: values.timeout });
    const env = await startDemo({ stateDir, baudRate: baud, ...(values.profile ? { profile: values.profile } : {}) });
    const api = await startDemoApi(env);
    const webUrl = env.gateway.webUrl;
    const endpoints = {
      ...(webUrl ? { web: webUrl } : {}),
      simulators: {
        modem: { pty: env.modemSim.path, control: env.modemSim.controlPath },
        mmsc: { url: env.mmscSim.url, proxy: env.mmscSim.proxyUrl, control: `${env.mmscSim.proxyUrl}/_sim/` },
        mailSink: `smtp://127.0.0.1:${env.sink.port}`,
        mailIn: `smtp://127.0.0.1:${env.smtpInPort}`,
      },
    };
    const endpointsPath = mergeEndpoints(stateDir, endpoints);
    if (scripted) {
      try {
        const driven = await drive(env, {
          messages,
          ...(values.seed ? { seed: Number(values.seed) } : {}),
          ...(values.timeout ? { timeoutMs: Number(values.timeout) * 1000 } : {}),
        });
        const a = await driveApi(env, api, messages, Date.now() + (values.timeout ? Number(values.timeout) * 1000 : 120_000));
        const summary = { ...driven, api: a, lost: driven.lost + (a.sent - a.submitted), ...(webUrl ? { web: webUrl } : {}) };
        if (values.json) console.log(JSON.stringify(summary));
        else console.log(summary);
        return summary.lost > 0 || summary.duplicates > 0 ? 1 : 0;
      } finally {
        await api.stop();
        await env.stop();
        if (!values.keep && values['state-dir'] === undefined) rmSync(stateDir, { recursive: true, force: true });
      }
    }
    const seeded = await seedDemo(env).catch((e: unknown) => {
      console.error(`mmsgw demo: could not seed sample conversations: ${(e as Error).message}`);
      return false;
    });
    console.log(
      [
        `mmsgw demo is running — open ${webUrl ?? '(web interface disabled)'} in a browser`,
        '',
        'No hardware involved:',
        `  simulated modem  ${env.modemSim.path} (control socket ${env.modemSim.controlPath})`,
        `  simulated MMSC   ${env.mmscSim.url} (WAP proxy ${env.mmscSim.proxyUrl}, control ${env.mmscSim.proxyUrl}/_sim/)`,
        `  mail sink        smtp://127.0.0.1:${env.sink.port}, mails in ${resolve(stateDir, 'mailbox')}`,
        `  mail in          smtp://127.0.0.1:${env.smtpInPort} (write to box+<number>@mmsgw.localhost from @mmsgw.localhost)`,
        `  REST API         ${api.url} (token in ${resolve(stateDir, 'endpoints.json')})`,
        `  MM7              ${env.mm7.url} (VASP ${env.mm7.vaspId}; credentials in ${resolve(stateDir, 'endpoints.json')}, see docs/MM7.md)`,
        `  state            ${stateDir}`,
        `  endpoints        ${endpointsPath}`,
        ...(seeded ? ['', 'Seeded three sample conversations (MMS with pictures, SMS, a group MMS).'] : []),
        '',
        'Try: mmsgw demo --messages 10 --json    (in another terminal, a separate run)',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await api.stop();
    await env.stop();
    return 0;
  },
};
