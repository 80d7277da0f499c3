import type Database from 'better-sqlite3';
import { MmsgwError } from '../util/errors.js';
import type { SubmissionRow, SubmissionState, UncertainSubmission } from './types.js';

interface SubmissionRecord {
  id: number;
  msg_id: number;
  recipient: string;
  seq: number;
  total: number;
  state: SubmissionState;
  attempts: number;
  uncertain: number;
  resolution: SubmissionRow['resolution'];
  reference: string | null;
  last_error: string | null;
  started_at: number | null;
  updated_at: number;
}

function row(r: SubmissionRecord): SubmissionRow {
  return {
    id: r.id,
    msgId: r.msg_id,
    recipient: r.recipient,
    seq: r.seq,
    total: r.total,
    state: r.state,
    attempts: r.attempts,
    uncertain: r.uncertain,
    resolution: r.resolution,
    reference: r.reference,
    lastError: r.last_error,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Outbound sends, one row per SMS part and recipient (`seq` of `total`) or per m-send-req
 * (`recipient` '', seq 1). The row is set `submitting` in its own commit *before* the PDU is
 * written to the modem or POSTed to the MMSC, and `sent` in the commit that records the
 * network's answer. A failure the process saw (an `+CMS ERROR`, an MMSC status) sets `failed`.
 * So a row found `submitting` when a send step starts was left by a crash between those two
 * commits: nobody can tell whether the network took the PDU. Such a row is flagged
 * (`uncertain` counts how often) and resolved by policy: resent, or `held` until an
 * operator releases it.
 */
export class SubmissionsRepo {
  constructor(private readonly db: Database.Database) {}

  /**
   * Marks a send as started (attempts + 1), creating the row if needed. One statement,
   * committed (and with synchronous=FULL on disk) when this returns — call it outside `tx`.
   */
  begin(s: { msgId: number; recipient: string; seq: number; total: number }, now: number = Date.now()): SubmissionRow {
    this.db
      .prepare(`INSERT INTO submissions (msg_id, recipient, seq, total, state, attempts, started_at, updated_at)
                VALUES (@msgId, @recipient, @seq, @total, 'submitting', 1, @now, @now)
                ON CONFLICT(msg_id, recipient, seq) DO UPDATE SET state = 'submitting', attempts = attempts + 1,
                  started_at = @now, updated_at = @now, last_error = NULL`)
      .run({ ...s, now });
    return this.require(s.msgId, s.recipient, s.seq);
  }

  /** The network accepted it: TP-MR of an SMS part, Message-ID of an MMS. */
  sent(id: number, reference: string | null, now: number = Date.now()): void {
    this.set(id, "state = 'sent', reference = @reference, last_error = NULL", now, { reference });
  }

  /** The network or the modem refused it for sure: it did not go out, a retry may send it. */
  failed(id: number, error: string, now: number = Date.now()): void {
    this.set(id, "state = 'failed', last_error = @error", now, { error });
  }

  /**
   * A crash left this send between write and record: flag it, and either keep it for a resend
   * (state stays `submitting`, the caller sends at once) or hold it for the operator.
   */
  flagUncertain(id: number, resolution: 'resent' | 'held', now: number = Date.now()): void {
    const state = resolution === 'held' ? "'held'" : 'state';
    this.set(id, `uncertain = uncertain + 1, resolution = @resolution, state = ${state}`, now, { resolution });
  }

  /** An operator released the held sends of a message (`mmsgw retry` on its job): the next run sends them. Returns how many. */
  releaseHeld(msgId: number, now: number = Date.now()): number {
    return this.db
      .prepare("UPDATE submissions SET resolution = 'released', updated_at = ? WHERE msg_id = ? AND state = 'held'")
      .run(now, msgId).changes;
  }

  get(msgId: number, recipient: string, seq: number): SubmissionRow | undefined {
    const r = this.db.prepare('SELECT * FROM submissions WHERE msg_id = ? AND recipient = ? AND seq = ?').get(msgId, recipient, seq) as
      | SubmissionRecord
      | undefined;
    return r && row(r);
  }

  ofMessage(msgId: number): SubmissionRow[] {
    return (this.db.prepare('SELECT * FROM submissions WHERE msg_id = ? ORDER BY recipient, seq').all(msgId) as SubmissionRecord[]).map(row);
  }

  /**
   * Sent parts whose network reference is `reference` (an SMS part's TP-MR), most recently
   * sent first, with the modem each went through: what an SMS-STATUS-REPORT can belong to.
   * TP-MR is one octet per modem (3GPP 23.040 §9.2.3.6), so it repeats every 256 parts; the
   * caller narrows by recipient and modem. `limit` bounds the look back (64 × 256 parts).
   */
  sentWithReference(reference: string, limit = 64): (SubmissionRow & { readonly modem: string | null })[] {
    const rows = this.db
      .prepare(`SELECT * FROM submissions WHERE reference = ? AND state = 'sent' ORDER BY updated_at DESC, id DESC LIMIT ?`)
      .all(reference, limit) as (SubmissionRecord & { modem: string | null })[];
    return rows.map((r) => ({ ...row(r), modem: r.modem }));
  }

  /** Sends a crash left uncertain, newest first, with their message (`mmsgw jobs --uncertain`, the web interface). */
  uncertain(limit = 100): UncertainSubmission[] {
    const rows = this.db
      .prepare(`SELECT s.*, m.kind AS msg_kind, m.state AS msg_state, m.from_addr AS msg_from, m.subject AS msg_subject,
                  (SELECT j.id FROM jobs j WHERE j.key = 'send-' || m.kind || ':' || m.id) AS job_id
                FROM submissions s JOIN messages m ON m.id = s.msg_id
                WHERE s.uncertain > 0 ORDER BY s.updated_at DESC, s.id DESC LIMIT ?`)
      .all(limit) as (SubmissionRecord & { msg_kind: 'sms' | 'mms'; msg_state: string; msg_from: string | null; msg_subject: string | null; job_id: number | null })[];
    return rows.map((r) => ({
      ...row(r),
      kind: r.msg_kind,
      messageState: r.msg_state as UncertainSubmission['messageState'],
      from: r.msg_from,
      subject: r.msg_subject,
      jobId: r.job_id,
    }));
  }

  private require(msgId: number, recipient: string, seq: number): SubmissionRow {
    const r = this.get(msgId, recipient, seq);
    if (!r) throw new MmsgwError('STORE_NOT_FOUND', `submission ${msgId}/${recipient}/${seq} vanished after insert`);
    return r;
  }

  private set(id: number, set: string, now: number, params: Record<string, unknown>): void {
    const info = this.db.prepare(`UPDATE submissions SET ${set}, updated_at = @now WHERE id = @id`).run({ id, now, ...params });
    if (info.changes === 0) throw new MmsgwError('STORE_NOT_FOUND', `submission ${id} does not exist`, { details: { id } });
  }
}
