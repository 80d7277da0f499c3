import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { MmsgwError } from '../util/errors.js';

/**
 * Schema migrations. `PRAGMA user_version` holds the number of the last migration applied;
 * each migration runs in its own transaction together with the bump of user_version, so a
 * crash mid-migration leaves the previous version intact. Migrations are append-only: never
 * edit one that has shipped, add the next number.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Data fix-ups SQL alone cannot express; runs inside the same transaction, after `sql`. */
  readonly after?: (db: Database.Database) => void;
}

const V1_INITIAL = `
CREATE TABLE messages (
  id               INTEGER PRIMARY KEY,
  direction        TEXT    NOT NULL CHECK (direction IN ('in','out')),
  kind             TEXT    NOT NULL CHECK (kind IN ('sms','mms')),
  state            TEXT    NOT NULL,
  from_addr        TEXT,
  subject          TEXT,
  date             INTEGER,
  transaction_id   TEXT,
  message_id       TEXT,
  content_location TEXT,
  size             INTEGER,
  expiry           INTEGER,
  incomplete       INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0,1)),
  box              TEXT,
  sim_id           TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_txid ON messages(direction, kind, transaction_id, ifnull(content_location, ''))
  WHERE transaction_id IS NOT NULL;
CREATE INDEX messages_message_id ON messages(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX messages_state ON messages(state, direction);

CREATE TABLE addresses (
  id         INTEGER PRIMARY KEY,
  msg_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  role       TEXT    NOT NULL CHECK (role IN ('from','to','cc','bcc')),
  raw        TEXT    NOT NULL,
  normalized TEXT    NOT NULL
);
CREATE INDEX addresses_msg ON addresses(msg_id);
CREATE INDEX addresses_normalized ON addresses(normalized);

CREATE TABLE parts (
  id               INTEGER PRIMARY KEY,
  msg_id           INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  seq              INTEGER NOT NULL,
  content_type     TEXT    NOT NULL,
  params           TEXT    NOT NULL DEFAULT '{}',
  name             TEXT,
  filename         TEXT    NOT NULL,
  content_id       TEXT,
  content_location TEXT,
  charset          TEXT,
  size             INTEGER NOT NULL,
  sha256           TEXT    NOT NULL,
  inline_body      BLOB,
  blob_path        TEXT,
  CHECK ((inline_body IS NULL) <> (blob_path IS NULL)),
  UNIQUE (msg_id, seq)
);
CREATE INDEX parts_sha256 ON parts(sha256);

CREATE TABLE raw_pdus (
  id          INTEGER PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('sms-deliver','sms-status-report','sms-submit','wap-push',
                'mms-notification','mms-retrieve-conf','m-send-req','m-send-conf','m-delivery-ind',
                'm-read-orig-ind','email')),
  msg_id      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  size        INTEGER NOT NULL,
  inline_body BLOB,
  blob_path   TEXT,
  source      TEXT,
  received_at INTEGER NOT NULL,
  CHECK ((inline_body IS NULL) <> (blob_path IS NULL))
);
CREATE INDEX raw_pdus_msg ON raw_pdus(msg_id);

CREATE TABLE sms_segments (
  id          INTEGER PRIMARY KEY,
  raw_pdu_id  INTEGER NOT NULL REFERENCES raw_pdus(id),
  originator  TEXT    NOT NULL,
  ref         INTEGER NOT NULL,
  total       INTEGER NOT NULL CHECK (total BETWEEN 1 AND 255),
  seq         INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 255),
  received_at INTEGER NOT NULL,
  consumed_by INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX sms_segments_open ON sms_segments(originator, ref, total) WHERE consumed_by IS NULL;

CREATE TABLE quarantine (
  id           INTEGER PRIMARY KEY,
  source       TEXT    NOT NULL,
  bytes        BLOB    NOT NULL,
  error_code   TEXT    NOT NULL,
  error_field  TEXT,
  error_offset INTEGER,
  message      TEXT    NOT NULL,
  created_at   INTEGER NOT NULL
);

CREATE TABLE reports (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind IN ('delivery','read')),
  msg_id     INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  message_id TEXT,
  recipient  TEXT,
  status     TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  raw_pdu_id INTEGER REFERENCES raw_pdus(id) ON DELETE SET NULL
);
CREATE INDEX reports_msg ON reports(msg_id);
CREATE INDEX reports_message_id ON reports(message_id);

CREATE TABLE relays (
  id               INTEGER PRIMARY KEY,
  msg_id           INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  mailbox          TEXT    NOT NULL,
  email_message_id TEXT    NOT NULL UNIQUE,
  state            TEXT    NOT NULL CHECK (state IN ('pending','sent','failed','dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  smtp_response    TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (msg_id, mailbox)
);
CREATE INDEX relays_state ON relays(state);

CREATE TABLE jobs (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL,
  key        TEXT    NOT NULL UNIQUE,
  payload    TEXT    NOT NULL DEFAULT 'null',
  state      TEXT    NOT NULL CHECK (state IN ('queued','running','done','dead')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  run_at     INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(state, run_at);

CREATE TABLE events (
  id     INTEGER PRIMARY KEY,
  msg_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  at     INTEGER NOT NULL,
  kind   TEXT    NOT NULL,
  detail TEXT    NOT NULL DEFAULT 'null'
);
CREATE INDEX events_msg ON events(msg_id, at);
`;

/**
 * v2: content hashes on raw PDUs (a PDU the modem presents twice is recognised), and the
 * Message-ID of the email an outbound message came from (an email fetched twice is sent once).
 */
const V2_IDEMPOTENCY = `
ALTER TABLE raw_pdus ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX raw_pdus_sha256 ON raw_pdus(sha256, kind);
ALTER TABLE messages ADD COLUMN email_message_id TEXT;
CREATE UNIQUE INDEX messages_email_message_id ON messages(email_message_id) WHERE email_message_id IS NOT NULL;
`;

/**
 * v3: what the decoders accepted although the input was not as the specifications say (octets
 * beyond TP-UDL, stray octets after the last MMS header, …), as a JSON array of sentences on
 * the message they came with. NULL when there were none.
 */
const V3_DECODE_WARNINGS = `
ALTER TABLE messages ADD COLUMN decode_warnings TEXT;
`;

/** Hashes the inline raw PDUs stored before v2; file-backed ones are named by their hash. */
function backfillRawPduHashes(db: Database.Database): void {
  const rows = db.prepare('SELECT id, inline_body, blob_path FROM raw_pdus').all() as {
    id: number;
    inline_body: Buffer | null;
    blob_path: string | null;
  }[];
  const set = db.prepare('UPDATE raw_pdus SET sha256 = ? WHERE id = ?');
  for (const r of rows) {
    const hash = r.inline_body
      ? createHash('sha256').update(r.inline_body).digest('hex')
      : (r.blob_path?.split('/').pop() ?? '');
    set.run(hash, r.id);
  }
}

/**
 * v4: API bearer tokens (only a SHA-256 of each token is kept), and the history of message
 * states: triggers record every message insert and state change in the same transaction as
 * the change itself. Rows not yet `dispatched` are the outbox webhooks and local hooks
 * (src/hooks) read, so each event is seen exactly once even across a crash, without the
 * pipeline's steps knowing about them; the rows stay as the message's state history (the
 * API shows it) and go with the message. AUTOINCREMENT: a row id is an event's id and must
 * never come back. Messages from before v4 get their current state as a dispatched row.
 */
const V4_API_STATES = `
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL UNIQUE,
  hash         TEXT    NOT NULL UNIQUE,
  scopes       TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE TABLE state_changes (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  msg_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  direction  TEXT    NOT NULL,
  state      TEXT    NOT NULL,
  prev_state TEXT,
  at         INTEGER NOT NULL,
  dispatched INTEGER NOT NULL DEFAULT 0 CHECK (dispatched IN (0,1))
);
CREATE INDEX state_changes_msg ON state_changes(msg_id);
CREATE INDEX state_changes_pending ON state_changes(id) WHERE dispatched = 0;
INSERT INTO state_changes (msg_id, direction, state, prev_state, at, dispatched)
  SELECT id, direction, state, NULL, updated_at, 1 FROM messages ORDER BY id;
CREATE TRIGGER state_changes_insert AFTER INSERT ON messages BEGIN
  INSERT INTO state_changes (msg_id, direction, state, prev_state, at) VALUES (new.id, new.direction, new.state, NULL, new.updated_at);
END;
CREATE TRIGGER state_changes_update AFTER UPDATE OF state ON messages WHEN new.state IS NOT old.state BEGIN
  INSERT INTO state_changes (msg_id, direction, state, prev_state, at) VALUES (new.id, new.direction, new.state, old.state, new.updated_at);
END;
`;

/**
 * v5: messages submitted by MM7 value-added service providers (3GPP TS 23.140 §8): which VASP
 * sent them under which transaction id (a retried SubmitReq returns the first MessageID), the
 * MM7 MessageID handed out, the namespace to report back in, and the reports asked for.
 */
const V5_MM7 = `
CREATE TABLE mm7_submissions (
  msg_id          INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  vasp_id         TEXT    NOT NULL,
  transaction_id  TEXT    NOT NULL,
  mm7_message_id  TEXT    NOT NULL UNIQUE,
  namespace       TEXT    NOT NULL,
  sender          TEXT,
  linked_id       TEXT,
  delivery_report INTEGER NOT NULL DEFAULT 0 CHECK (delivery_report IN (0,1)),
  read_reply      INTEGER NOT NULL DEFAULT 0 CHECK (read_reply IN (0,1)),
  created_at      INTEGER NOT NULL,
  UNIQUE (vasp_id, transaction_id)
);
`;

/**
 * v6: one row per outbound SMS part (per recipient) or m-send-req, written durably *before*
 * the PDU goes to the modem / the MMSC. A row a crash left `submitting` is a send nobody can
 * confirm or deny: it is flagged uncertain and handled by `outbound.uncertain`.
 * Also: Message-IDs looked up by their comparable form (messageIdKey), so a report finds its
 * message whatever the angle brackets or case.
 */
const V6_SUBMISSIONS = `
CREATE TABLE submissions (
  id          INTEGER PRIMARY KEY,
  msg_id      INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  recipient   TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  state       TEXT    NOT NULL CHECK (state IN ('submitting','sent','failed','held')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  uncertain   INTEGER NOT NULL DEFAULT 0,
  resolution  TEXT,
  reference   TEXT,
  last_error  TEXT,
  started_at  INTEGER,
  updated_at  INTEGER NOT NULL,
  UNIQUE (msg_id, recipient, seq)
);
CREATE INDEX submissions_uncertain ON submissions(uncertain) WHERE uncertain > 0;
CREATE INDEX messages_message_id_key ON messages(lower(trim(message_id, ' <>'))) WHERE message_id IS NOT NULL;
CREATE INDEX reports_message_id_key ON reports(lower(trim(message_id, ' <>'))) WHERE message_id IS NOT NULL;
`;

/**
 * v7 (web interface): conversations as a derived index (thread per set of correspondents,
 * with unread marks), signal samples for the 24-hour chart, and an index on `updated_at` so
 * the live view finds changed messages without a scan.
 */
const V7_WEB = `
CREATE TABLE threads (
  id           INTEGER PRIMARY KEY,
  key          TEXT    NOT NULL UNIQUE,
  participants TEXT    NOT NULL,
  last_msg_id  INTEGER NOT NULL,
  last_at      INTEGER NOT NULL,
  count        INTEGER NOT NULL DEFAULT 0,
  unread       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_last ON threads(last_msg_id);
CREATE TABLE message_threads (
  msg_id    INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  unread    INTEGER NOT NULL DEFAULT 0 CHECK (unread IN (0,1))
);
CREATE INDEX message_threads_thread ON message_threads(thread_id, msg_id);
CREATE TABLE signal_samples (
  at         INTEGER PRIMARY KEY,
  rssi_dbm   INTEGER,
  rsrp_dbm   INTEGER,
  technology TEXT,
  registration TEXT
);
CREATE INDEX messages_updated ON messages(updated_at);
`;

/**
 * v8: readers of the message state history besides webhooks/hooks (which use `dispatched`),
 * such as MQTT, each with its own cursor: the last `state_changes` id it handled. A new reader
 * starts at the newest row, so switching MQTT on does not replay the whole history.
 */
const V8_STATE_READERS = `
CREATE TABLE outbox_consumers (
  name    TEXT    PRIMARY KEY,
  last_id INTEGER NOT NULL
);
`;

/**
 * v9 (several modems): which modem received or sent each message (`messages.modem`, the
 * configured modem id) and the own number a sender asked for (`messages.via`); which modem an
 * SMS PDU came from (`raw_pdus.modem`); which modem a submission went through
 * (`submissions.modem`), so a send moved to another modem after an uncertain attempt says so.
 */
const V9_MODEMS = `
ALTER TABLE messages ADD COLUMN modem TEXT;
ALTER TABLE messages ADD COLUMN via TEXT;
ALTER TABLE raw_pdus ADD COLUMN modem TEXT;
ALTER TABLE submissions ADD COLUMN modem TEXT;
CREATE INDEX messages_modem ON messages(modem) WHERE modem IS NOT NULL;
`;

/**
 * v10: SMS status reports find their part by TP-MR (3GPP 23.040 §9.2.3.6) among the sent
 * submissions, however many were sent since (the report of an SMS sent 500 messages ago).
 */
const V10_SUBMISSION_REFERENCE = `
CREATE INDEX submissions_sent_reference ON submissions(reference, updated_at) WHERE state = 'sent';
`;

/**
 * v11: the send limits count the outbound messages of the last hour and day for every mail
 * offered (MessagesRepo.countOutboundRecipients): a range of this index, not a scan of every
 * message the store keeps.
 */
const V11_OUTBOUND_BY_TIME = `
CREATE INDEX messages_direction_created ON messages(direction, created_at);
`;

/**
 * v12: every foreign key's child column has an index. Deleting a parent row (retention pruning
 * messages and raw PDUs) looks up its children by that column (sqlite.org/foreignkeys.html §3):
 * without an index each deleted row scanned the child table — 4.2 s for 500 messages with
 * 40,000 SMS segments, 92 ms with the index.
 */
const V12_FOREIGN_KEY_INDEXES = `
CREATE INDEX sms_segments_consumed_by ON sms_segments(consumed_by) WHERE consumed_by IS NOT NULL;
CREATE INDEX sms_segments_raw_pdu ON sms_segments(raw_pdu_id);
CREATE INDEX reports_raw_pdu ON reports(raw_pdu_id) WHERE raw_pdu_id IS NOT NULL;
CREATE INDEX mm7_submissions_msg ON mm7_submissions(msg_id);
CREATE INDEX message_threads_msg ON message_threads(msg_id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: V1_INITIAL },
  { version: 2, name: 'idempotency keys', sql: V2_IDEMPOTENCY, after: backfillRawPduHashes },
  { version: 3, name: 'decode warnings', sql: V3_DECODE_WARNINGS },
  { version: 4, name: 'api tokens and message state history', sql: V4_API_STATES },
  { version: 5, name: 'mm7 submissions', sql: V5_MM7 },
  { version: 6, name: 'outbound submissions, Message-ID keys', sql: V6_SUBMISSIONS },
  { version: 7, name: 'web: conversations, signal samples', sql: V7_WEB },
  { version: 8, name: 'state history readers', sql: V8_STATE_READERS },
  { version: 9, name: 'modems per message', sql: V9_MODEMS },
  { version: 10, name: 'submissions by reference', sql: V10_SUBMISSION_REFERENCE },
  { version: 11, name: 'outbound messages by time', sql: V11_OUTBOUND_BY_TIME },
  { version: 12, name: 'foreign key indexes', sql: V12_FOREIGN_KEY_INDEXES },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` up to `target` (default: the latest). Refuses a database written by a newer
 * mmsgw, whose schema this code does not know. Returns the versions applied.
 */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): number[] {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new MmsgwError(
      'STORE_SCHEMA_TOO_NEW',
      `database schema version ${current} is newer than this mmsgw understands (${SCHEMA_VERSION}); upgrade mmsgw or restore a backup`,
      { details: { current, supported: SCHEMA_VERSION } },
    );
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    const step = db.transaction(() => {
      db.exec(m.sql);
      m.after?.(db);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      step.immediate();
    } catch (e) {
      throw new MmsgwError('STORE_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, {
        cause: e,
        details: { version: m.version },
      });
    }
    applied.push(m.version);
  }
  return applied;
}
