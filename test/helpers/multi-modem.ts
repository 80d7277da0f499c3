/**
 * The gateway with several simulated modems (src/demo/multi-modem.ts): per modem a modem
 * simulator of its own vendor profile on a real pty and its own MMSC simulator; one mail
 * sink; the box's SMTP listener; the web listener with the REST API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Gateway } from '../../src/app/gateway.js';
import { demoConfigInput, parseConfig, type Config, type ConfigInput } from '../../src/config/index.js';
import { freePort } from '../../src/demo/environment.js';
import { startSimModems, stopSimModems, withSimModems, type SimModem } from '../../src/demo/multi-modem.js';
import { MailSink } from '../../src/sim/mail/sink.js';
import { decodeSmsPdu } from '../../src/codec/sms/index.js';

export interface MultiEnv {
  readonly dir: string;
  readonly sims: readonly SimModem[];
  readonly sink: MailSink;
  readonly config: Config;
  readonly gateway: Gateway;
  readonly smtpInPort: number;
  /** Stops the gateway only (the simulators keep running). */
  stopGateway(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMulti(count: number, configure: (c: ConfigInput, sims: readonly SimModem[]) => ConfigInput = (c) => c): Promise<MultiEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-multi-'));
  const sims = await startSimModems({ count, dir });
  const sink = await new MailSink().start();
  const smtpInPort = await freePort();
  const webPort = await freePort();
  const base = demoConfigInput();
  let input: ConfigInput = withSimModems(
    {
      ...base,
      stateDir: join(dir, 'state'),
      logLevel: 'warn',
      mail: {
        ...base.mail,
        out: { ...base.mail?.out, smtp: { host: '127.0.0.1', port: sink.port, secure: false, starttls: false }, routes: sims.map((s) => ({ to: s.number, mailboxes: [`${s.id}@mmsgw.localhost`] })) },
        in: { ...base.mail?.in, smtpListener: { enabled: true, host: '127.0.0.1', port: smtpInPort } },
      },
      web: { enabled: true, host: '127.0.0.1', port: webPort },
    },
    sims,
    { backoff: { initialSeconds: 1, maxSeconds: 2 } },
  );
  input = configure(input, sims);
  let gateway: Gateway | undefined;
  const stopGateway = async (): Promise<void> => {
    const g = gateway;
    gateway = undefined;
    await g?.stop().catch(() => undefined);
  };
  const stop = async (): Promise<void> => {
    await stopGateway();
    await sink.stop().catch(() => undefined);
    await stopSimModems(sims);
    if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = parseConfig(input);
    gateway = await Gateway.start({ config });
    return { dir, sims, sink, config, gateway, smtpInPort, stopGateway, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Sends a mail to the box's SMTP listener. */
export async function mailTo(env: MultiEnv, to: string, text: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true });
  try {
    await t.sendMail({ from: 'alice@mmsgw.localhost', to, text });
  } finally {
    t.close();
  }
}

/** Destination numbers of every SMS-SUBMIT a simulated modem put out (decoded from its PDUs). */
export async function submitted(sim: SimModem): Promise<{ to: string; text: string }[]> {
  const out: { to: string; text: string }[] = [];
  for (const s of await sim.modemSim.sent()) {
    const d = decodeSmsPdu(s.pdu);
    if (d.ok && d.value.type === 'submit') out.push({ to: d.value.destination.number, text: d.value.text ?? '' });
  }
  return out;
}
