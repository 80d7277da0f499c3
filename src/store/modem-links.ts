import type Database from 'better-sqlite3';

/** Traffic of one modem, as counted from the store. */
export interface ModemTraffic {
  readonly modem: string;
  /** Messages it received (SMS and MMS). */
  readonly in: number;
  /** Messages it sent (state sent or later). */
  readonly out: number;
}

/**
 * Which modem (configured id) and which own number each message went through (schema v9):
 * the receiving modem of an SMS PDU and of the message made from it, the modem that sent an
 * outbound message, the own number a sender asked for, and the modem of each submission.
 */
export class ModemLinksRepo {
  constructor(private readonly db: Database.Database) {}

  /** The modem an SMS PDU (or WAP Push) was read from. */
  setRawPduModem(rawPduId: number, modem: string): void {
    this.db.prepare('UPDATE raw_pdus SET modem = ? WHERE id = ?').run(modem, rawPduId);
  }

  rawPduModem(rawPduId: number): string | undefined {
    return (this.db.prepare('SELECT modem FROM raw_pdus WHERE id = ?').pluck().get(rawPduId) as string | null | undefined) ?? undefined;
  }

  /** The modem that received or sent a message, and (when known) its number as the message's `box`. */
  setMessageModem(msgId: number, modem: string, box: string | undefined): void {
    if (box === undefined) this.db.prepare('UPDATE messages SET modem = ? WHERE id = ?').run(modem, msgId);
    else this.db.prepare('UPDATE messages SET modem = ?, box = ? WHERE id = ?').run(modem, box, msgId);
  }

  messageModem(msgId: number): string | undefined {
    return (this.db.prepare('SELECT modem FROM messages WHERE id = ?').pluck().get(msgId) as string | null | undefined) ?? undefined;
  }

  /** The own number the sender asked to send from (API `from`). */
  setVia(msgId: number, via: string): void {
    this.db.prepare('UPDATE messages SET via = ? WHERE id = ?').run(via, msgId);
  }

  via(msgId: number): string | undefined {
    return (this.db.prepare('SELECT via FROM messages WHERE id = ?').pluck().get(msgId) as string | null | undefined) ?? undefined;
  }

  setSubmissionModem(submissionId: number, modem: string): void {
    this.db.prepare('UPDATE submissions SET modem = ? WHERE id = ?').run(modem, submissionId);
  }

  /** The own number (`box`) of the newest message received from `correspondent` (normalized address). */
  lastReceivingNumber(correspondent: string): string | undefined {
    const r = this.db
      .prepare("SELECT box FROM messages WHERE direction = 'in' AND from_addr = ? AND box IS NOT NULL ORDER BY id DESC LIMIT 1")
      .pluck()
      .get(correspondent) as string | undefined;
    return r ?? undefined;
  }

  /** Messages received and sent per modem. */
  traffic(): ModemTraffic[] {
    const rows = this.db
      .prepare(
        `SELECT modem,
                SUM(CASE WHEN direction = 'in' THEN 1 ELSE 0 END) AS n_in,
                SUM(CASE WHEN direction = 'out' AND state IN ('sent','delivered','read') THEN 1 ELSE 0 END) AS n_out
           FROM messages WHERE modem IS NOT NULL GROUP BY modem ORDER BY modem`,
      )
      .all() as { modem: string; n_in: number; n_out: number }[];
    return rows.map((r) => ({ modem: r.modem, in: r.n_in, out: r.n_out }));
  }
}
