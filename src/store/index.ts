/**
 * The durable store: SQLite (better-sqlite3) for messages, addresses, parts, raw PDUs, SMS
 * segments, quarantine, reports, relays, jobs and events; content-addressed files under the
 * state directory for large bodies. See docs/STORAGE.md.
 *
 *   const store = openStore({ stateDir });
 *   const { rawPduId } = store.intake.recordSms({ kind: 'sms-deliver', pdu, receivedAt });
 *   // …the modem may now delete the SMS
 */
export { openStore, Store, type StoreOptions, type StoreStats, type Durability } from './store.js';
export { MessagesRepo, outboundRecipientsQuery, outboundUsageQuery, type MessageIdentity, type OutboundUsage } from './messages.js';
export { ContentRepo, INLINE_MAX_BYTES } from './content.js';
export { IntakeRepo, SMS_DUPLICATE_WINDOW_MS } from './intake.js';
export { JobsRepo, type JobOutcome } from './jobs.js';
export { SubmissionsRepo } from './submissions.js';
export { ModemLinksRepo, type ModemTraffic } from './modem-links.js';
export { RelaysRepo, ReportsRepo, EventsRepo } from './delivery.js';
export { BlobStore } from './blobs.js';
export { openDatabase, checkpoint, type CheckpointResult, type Synchronous, type IntegrityCheck, type DbOptions } from './db.js';
export { migrate, schemaVersion, MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { sanitizeFilename } from './filename.js';
export { mkdirPrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private.js';
export { FINAL_STATES, type PruneResult } from './retention.js';
export { normalizeAddress, messageIdKey } from './address.js';
export type * from './types.js';
export { ThreadsRepo, type ThreadRow, type ThreadQuery } from './threads.js';
export { SignalRepo, type SignalSample } from './signal.js';
