/**
 * Watches what comes out of the simulated world for the driver: mails at the sink, SMS at the
 * modem (its `sent` events, each decoded once), MMS at the MMSC, requests at the VASP. Each
 * poll fetches only what is new since the last one, so a run costs the same per message however
 * long it gets.
 */
import { EventEmitter } from 'node:events';
import { decodeSmsPdu } from '../codec/sms/index.js';
import type { SentSms } from '../sim/modem/client.js';
import type { DemoNetwork, MailSummary, MmsAtMmsc, VaspReceivedSummary } from './network.js';

export interface WatchEvents {
  mail: [MailSummary];
  /** The text of an SMS-SUBMIT the modem sent (one segment). */
  sms: [string, SentSms];
  mms: [MmsAtMmsc];
  vasp: [VaspReceivedSummary];
}

export class NetworkWatch extends EventEmitter<WatchEvents> {
  private mailSeq = 0;
  private mmsCount = 0;
  private vaspCount = 0;
  private readonly onSent = (sms: SentSms): void => {
    const d = decodeSmsPdu(sms.pdu);
    if (d.ok && d.value.type === 'submit') this.emit('sms', d.value.text ?? '', sms);
  };

  constructor(private readonly net: DemoNetwork) {
    super();
    net.modem.on('sent', this.onSent);
  }

  /** Starts after what is there now (a run counts only its own traffic). */
  async skipExisting(): Promise<void> {
    const mails = await this.net.mails(0);
    this.mailSeq = mails.at(-1)?.seq ?? 0;
    this.mmsCount += (await this.net.mmsSent(this.mmsCount)).length;
    if (this.net.vasp) this.vaspCount += (await this.net.vasp.received(this.vaspCount)).length;
  }

  async poll(): Promise<void> {
    for (const m of await this.net.mails(this.mailSeq)) {
      this.mailSeq = Math.max(this.mailSeq, m.seq);
      this.emit('mail', m);
    }
    const mms = await this.net.mmsSent(this.mmsCount);
    this.mmsCount += mms.length;
    for (const m of mms) this.emit('mms', m);
    if (this.net.vasp) {
      const got = await this.net.vasp.received(this.vaspCount);
      this.vaspCount += got.length;
      for (const r of got) this.emit('vasp', r);
    }
  }

  close(): void {
    this.net.modem.off('sent', this.onSent);
    this.removeAllListeners();
  }
}
