import type Database from 'better-sqlite3';
import type { MessageState } from './types.js';

/** States after which nothing more happens to a message; only those are ever pruned. */
export const FINAL_STATES: readonly MessageState[] = ['relayed', 'sent', 'delivered', 'read', 'failed', 'expired', 'rejected'];

export interface PruneResult {
  readonly messages: number;
  readonly rawPdus: number;
  readonly quarantine: number;
  readonly jobs: number;
}

/**
 * Deletes what is older than `before` and finished: messages in a final state (with their
 * addresses, parts, events, relays, reports, consumed segments and raw PDUs), quarantine
 * entries and done jobs. Unfinished messages, unlinked raw PDUs and dead-letter jobs are
 * never touched. One transaction; the blob files left unreferenced go with `gcBlobs`.
 */
export function prune(db: Database.Database, before: number): PruneResult {
  return db.transaction((): PruneResult => {
    const finals = FINAL_STATES.map((s) => `'${s}'`).join(', ');
    db.exec('CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY)');
    db.exec('DELETE FROM prune_ids');
    db.prepare(`INSERT INTO prune_ids SELECT id FROM messages WHERE updated_at < ? AND state IN (${finals})`).run(before);
    db.exec('DELETE FROM sms_segments WHERE consumed_by IN (SELECT id FROM prune_ids)');
    db.exec('DELETE FROM reports WHERE msg_id IN (SELECT id FROM prune_ids)');
    const rawPdus = db.prepare(`DELETE FROM raw_pdus WHERE msg_id IN (SELECT id FROM prune_ids)
      AND id NOT IN (SELECT raw_pdu_id FROM sms_segments)`).run().changes;
    const messages = db.prepare('DELETE FROM messages WHERE id IN (SELECT id FROM prune_ids)').run().changes;
    db.exec('DELETE FROM prune_ids');
    const quarantine = db.prepare('DELETE FROM quarantine WHERE created_at < ?').run(before).changes;
    const jobs = db.prepare("DELETE FROM jobs WHERE state = 'done' AND updated_at < ?").run(before).changes;
    return { messages, rawPdus, quarantine, jobs };
  }).immediate();
}
