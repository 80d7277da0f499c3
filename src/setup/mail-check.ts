import type { Config } from '../config/index.js';
import { mailOutFromConfig } from '../mail/out/from-config.js';
import { MailRelay } from '../mail/out/relay.js';
import { describeFailure } from '../mail/out/smtp.js';
import { testMailMessage } from '../mail/out/test-message.js';
import { silentLogger } from '../util/log.js';

/** Sends one test mail with the configuration's SMTP settings; the outcome as one line. */
export async function sendTestMail(config: Config, to: string, now = new Date()): Promise<string> {
  const s = mailOutFromConfig(config);
  const relay = new MailRelay({ smtp: s.smtp, render: s.render, log: silentLogger });
  const msg = testMailMessage({
    id: `setup-test-${now.getTime()}`,
    subject: 'mmsgw setup: mail test',
    text: `This is a test mail from mmsgw setup, sent ${now.toISOString()}.\nSMS and MMS received by the box will arrive here.`,
    date: now,
  });
  try {
    const outcome = await relay.send(await relay.render(msg, to), to);
    if (outcome.kind === 'accepted') return `accepted by ${s.smtp.host}:${s.smtp.port}: ${outcome.response}`;
    return `${outcome.kind === 'permanent' ? 'refused' : 'failed for now'} at ${s.smtp.host}:${s.smtp.port}: ${describeFailure({ ...outcome, permanent: outcome.kind === 'permanent' })}`;
  } finally {
    relay.close();
  }
}
