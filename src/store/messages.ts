import type Database from 'better-sqlite3';
import { MmsgwError } from '../util/errors.js';
import { MESSAGE_ID_KEY_SQL, messageIdKey, normalizeAddress } from './address.js';
import type { AddressRole, AddressRow, MessagePatch, MessageQuery, MessageRow, NewMessage } from './types.js';

interface MessageRecord {
  id: number;
  direction: MessageRow['direction'];
  kind: MessageRow['kind'];
  state: MessageRow['state'];
  from_addr: string | null;
  subject: string | null;
  date: number | null;
  transaction_id: string | null;
  message_id: string | null;
  email_message_id: string | null;
  content_location: string | null;
  size: number | null;
  expiry: number | null;
  incomplete: number;
  box: string | null;
  sim_id: string | null;
  created_at: number;
  updated_at: number;
  decode_warnings?: string | null;
}

function warningsOf(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

function toRow(r: MessageRecord): MessageRow {
  return {
    id: r.id,
    direction: r.direction,
    kind: r.kind,
    state: r.state,
    from: r.from_addr,
    subject: r.subject,
    date: r.date,
    transactionId: r.transaction_id,
    messageId: r.message_id,
    emailMessageId: r.email_message_id,
    contentLocation: r.content_location,
    size: r.size,
    expiry: r.expiry,
    incomplete: r.incomplete === 1,
    box: r.box,
    simId: r.sim_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.decode_warnings ? { warnings: warningsOf(r.decode_warnings) } : {}),
  };
}

const PATCH_COLUMNS: Record<keyof MessagePatch, string> = {
  state: 'state',
  subject: 'subject',
  date: 'date',
  messageId: 'message_id',
  contentLocation: 'content_location',
  size: 'size',
  expiry: 'expiry',
  incomplete: 'incomplete',
  from: 'from_addr',
};

/** Which identity `insertOrGet` deduplicates on. */
export type MessageIdentity = 'transactionId' | 'messageId' | 'emailMessageId';

/** Messages and their address rows. */
export class MessagesRepo {
  private readonly insertStmt: Database.Statement;
  private readonly addrStmt: Database.Statement;
  private readonly getStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(`INSERT INTO messages
      (direction, kind, state, from_addr, subject, date, transaction_id, message_id, email_message_id,
       content_location, size, expiry, incomplete, box, sim_id, created_at, updated_at)
      VALUES (@direction, @kind, @state, @from_addr, @subject, @date, @transaction_id, @message_id, @email_message_id,
       @content_location, @size, @expiry, @incomplete, @box, @sim_id, @at, @at)`);
    this.addrStmt = db.prepare('INSERT INTO addresses (msg_id, role, raw, normalized) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare('SELECT * FROM messages WHERE id = ?');
  }

  /** Inserts a message and its address rows in one transaction. */
  insert(m: NewMessage): MessageRow {
    return this.db.transaction(() => {
      const at = m.at ?? Date.now();
      const info = this.insertStmt.run({
        direction: m.direction,
        kind: m.kind,
        state: m.state,
        from_addr: m.from ? normalizeAddress(m.from) : null,
        subject: m.subject ?? null,
        date: m.date ?? null,
        transaction_id: m.transactionId ?? null,
        message_id: m.messageId ?? null,
        email_message_id: m.emailMessageId ?? null,
        content_location: m.contentLocation ?? null,
        size: m.size ?? null,
        expiry: m.expiry ?? null,
        incomplete: m.incomplete ? 1 : 0,
        box: m.box ?? null,
        sim_id: m.simId ?? null,
        at,
      });
      const id = Number(info.lastInsertRowid);
      if (m.from) this.addAddress(id, 'from', m.from);
      for (const a of m.to ?? []) this.addAddress(id, 'to', a);
      for (const a of m.cc ?? []) this.addAddress(id, 'cc', a);
      for (const a of m.bcc ?? []) this.addAddress(id, 'bcc', a);
      return this.require(id);
    })();
  }

  /**
   * Inserts `m` unless a message with the same identity exists, in which case that one is
   * returned with `created: false`. Identities: `transactionId` — same direction, kind,
   * X-Mms-Transaction-ID and Content-Location (a repeated WAP Push); `messageId` — same
   * direction and Message-ID; `emailMessageId` — the same source email.
   */
  insertOrGet(m: NewMessage, by: MessageIdentity): { message: MessageRow; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.findExisting(m, by);
      if (existing) return { message: existing, created: false };
      return { message: this.insert(m), created: true };
    }).immediate();
  }

  private findExisting(m: NewMessage, by: MessageIdentity): MessageRow | undefined {
    if (by === 'transactionId') {
      if (!m.transactionId) throw new MmsgwError('STORE_BAD_INPUT', 'insertOrGet by transactionId needs a transactionId');
      const r = this.db
        .prepare(`SELECT * FROM messages WHERE direction = ? AND kind = ? AND transaction_id = ?
                  AND ifnull(content_location, '') = ?`)
        .get(m.direction, m.kind, m.transactionId, m.contentLocation ?? '') as MessageRecord | undefined;
      return r && toRow(r);
    }
    if (by === 'messageId') {
      if (!m.messageId) throw new MmsgwError('STORE_BAD_INPUT', 'insertOrGet by messageId needs a messageId');
      return this.getByMessageId(m.messageId, m.direction);
    }
    if (!m.emailMessageId) throw new MmsgwError('STORE_BAD_INPUT', 'insertOrGet by emailMessageId needs an emailMessageId');
    return this.getByEmailMessageId(m.emailMessageId);
  }

  addAddress(msgId: number, role: AddressRole, raw: string): void {
    this.addrStmt.run(msgId, role, raw, normalizeAddress(raw));
  }

  get(id: number): MessageRow | undefined {
    const r = this.getStmt.get(id) as MessageRecord | undefined;
    return r && toRow(r);
  }

  /** Like `get`, but a missing message is an error (`STORE_NOT_FOUND`). */
  require(id: number): MessageRow {
    const m = this.get(id);
    if (!m) throw new MmsgwError('STORE_NOT_FOUND', `message ${id} does not exist`, { details: { id } });
    return m;
  }

  getByTransactionId(transactionId: string, direction: MessageRow['direction'] = 'in'): MessageRow | undefined {
    const r = this.db
      .prepare('SELECT * FROM messages WHERE transaction_id = ? AND direction = ? ORDER BY id DESC LIMIT 1')
      .get(transactionId, direction) as MessageRecord | undefined;
    return r && toRow(r);
  }

  /** By Message-ID, whatever its angle brackets or case (messageIdKey); the oldest first. */
  getByMessageId(messageId: string, direction?: MessageRow['direction']): MessageRow | undefined {
    const key = messageIdKey(messageId);
    if (key === '') return undefined;
    const where = `message_id IS NOT NULL AND ${MESSAGE_ID_KEY_SQL('message_id')} = ?`;
    const r = (
      direction
        ? this.db.prepare(`SELECT * FROM messages WHERE ${where} AND direction = ? ORDER BY id LIMIT 1`).get(key, direction)
        : this.db.prepare(`SELECT * FROM messages WHERE ${where} ORDER BY id LIMIT 1`).get(key)
    ) as MessageRecord | undefined;
    return r && toRow(r);
  }

  /**
   * Destination addresses of outbound messages created after `since` — of the whole box, of
   * one sender, or of every sender of one domain — counted over the whole window (for the
   * send rate limits; each destination is one send).
   */
  countOutboundRecipients(since: number, by: { readonly from?: string; readonly fromDomain?: string } = {}): number {
    const q = outboundRecipientsQuery(since, by);
    return (this.db.prepare(q.sql).get(...q.params) as { n: number }).n;
  }

  /**
   * What countOutboundRecipients counts for one mail's send limits — the sender, its domain and
   * the box, each over the last hour and day — read in one pass over the day's range of the
   * index instead of six.
   */
  outboundUsage(now: number, sender: string): OutboundUsage {
    const q = outboundUsageQuery(now, sender);
    const r = this.db.prepare(q.sql).get(...q.params) as Record<'fromHour' | 'fromDay' | 'domainHour' | 'domainDay' | 'boxHour' | 'boxDay', number | null>;
    const n = (v: number | null): number => v ?? 0;
    return {
      from: { lastHour: n(r.fromHour), lastDay: n(r.fromDay) },
      ...(q.domain !== undefined ? { domain: { lastHour: n(r.domainHour), lastDay: n(r.domainDay) } } : {}),
      box: { lastHour: n(r.boxHour), lastDay: n(r.boxDay) },
    };
  }

  getByEmailMessageId(emailMessageId: string): MessageRow | undefined {
    const r = this.db.prepare('SELECT * FROM messages WHERE email_message_id = ?').get(emailMessageId) as MessageRecord | undefined;
    return r && toRow(r);
  }

  /** Changes the given fields and `updated_at`; returns the updated row. */
  update(id: number, patch: MessagePatch, at: number = Date.now()): MessageRow {
    const sets: string[] = ['updated_at = @at'];
    const params: Record<string, unknown> = { id, at };
    for (const [key, value] of Object.entries(patch) as [keyof MessagePatch, unknown][]) {
      if (value === undefined) continue;
      const col = PATCH_COLUMNS[key];
      if (!col) continue;
      sets.push(`${col} = @${col}`);
      if (key === 'incomplete') params[col] = value ? 1 : 0;
      else if (key === 'from') params[col] = typeof value === 'string' ? normalizeAddress(value) : null;
      else params[col] = value;
    }
    const info = this.db.prepare(`UPDATE messages SET ${sets.join(', ')} WHERE id = @id`).run(params);
    if (info.changes === 0) throw new MmsgwError('STORE_NOT_FOUND', `message ${id} does not exist`, { details: { id } });
    return this.require(id);
  }

  /**
   * Adds decoder warnings to a message (each sentence once, in order of arrival): the record of
   * what was accepted from input that was not as the specifications say.
   */
  addWarnings(id: number, warnings: readonly string[] | undefined): void {
    if (!warnings || warnings.length === 0) return;
    const current = this.db.prepare('SELECT decode_warnings FROM messages WHERE id = ?').pluck().get(id) as string | null | undefined;
    if (current === undefined) throw new MmsgwError('STORE_NOT_FOUND', `message ${id} not found`);
    const all = warningsOf(current);
    for (const w of warnings) if (!all.includes(w)) all.push(w);
    this.db.prepare('UPDATE messages SET decode_warnings = ? WHERE id = ?').run(JSON.stringify(all), id);
  }

  setState(id: number, state: MessageRow['state'], at: number = Date.now()): MessageRow {
    return this.update(id, { state }, at);
  }

  addresses(msgId: number): AddressRow[] {
    return this.db.prepare('SELECT role, raw, normalized FROM addresses WHERE msg_id = ? ORDER BY id').all(msgId) as AddressRow[];
  }

  /** Newest first. */
  list(q: MessageQuery = {}): MessageRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.direction) {
      where.push('direction = ?');
      params.push(q.direction);
    }
    if (q.kind) {
      where.push('kind = ?');
      params.push(q.kind);
    }
    if (q.state !== undefined) {
      const states = typeof q.state === 'string' ? [q.state] : [...q.state];
      where.push(`state IN (${states.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...states);
    }
    if (q.address !== undefined) {
      where.push('id IN (SELECT msg_id FROM addresses WHERE normalized = ?)');
      params.push(normalizeAddress(q.address));
    }
    if (q.beforeId !== undefined) {
      where.push('id < ?');
      params.push(q.beforeId);
    }
    const limit = Math.min(Math.max(1, q.limit ?? 50), 1000);
    const sql = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...params) as MessageRecord[]).map(toRow);
  }

  /** Deletes a message with its addresses, parts, events and relays (raw PDUs stay, unlinked). */
  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM messages WHERE id = ?').run(id).changes > 0;
  }
}

/**
 * The count behind MessagesRepo.countOutboundRecipients. It runs for every mail offered, so it
 * reads a range of the (direction, created_at) index — the window's messages — never every
 * message the store keeps (schema v11).
 */
export function outboundRecipientsQuery(since: number, by: { readonly from?: string; readonly fromDomain?: string } = {}): { sql: string; params: unknown[] } {
  const where = ["m.direction = 'out'", 'm.created_at > ?', "a.role = 'to'"];
  const params: unknown[] = [since];
  if (by.from !== undefined) {
    where.push('m.from_addr = ?');
    params.push(normalizeAddress(by.from));
  }
  if (by.fromDomain !== undefined) {
    where.push("substr(m.from_addr, instr(m.from_addr, '@') + 1) = ?");
    params.push(by.fromDomain.toLowerCase());
  }
  return { sql: `SELECT count(*) AS n FROM messages m JOIN addresses a ON a.msg_id = m.id WHERE ${where.join(' AND ')}`, params };
}

export interface WindowCount {
  readonly lastHour: number;
  readonly lastDay: number;
}

/** Outbound destinations of the last hour and day (MessagesRepo.outboundUsage). */
export interface OutboundUsage {
  readonly from: WindowCount;
  /** Absent when the sender has no domain. */
  readonly domain?: WindowCount;
  readonly box: WindowCount;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The query behind MessagesRepo.outboundUsage: the day's range of the (direction, created_at) index, once. */
export function outboundUsageQuery(now: number, sender: string): { sql: string; params: unknown[]; domain: string | undefined } {
  const from = normalizeAddress(sender);
  const at = sender.lastIndexOf('@');
  const domain = at > 0 ? sender.slice(at + 1).toLowerCase() : undefined;
  const hour = now - HOUR_MS;
  const inDomain = "substr(m.from_addr, instr(m.from_addr, '@') + 1) = @domain";
  return {
    sql: `SELECT
        sum(m.from_addr = @from AND m.created_at > @hour) AS fromHour,
        sum(m.from_addr = @from) AS fromDay,
        sum(${inDomain} AND m.created_at > @hour) AS domainHour,
        sum(${inDomain}) AS domainDay,
        sum(m.created_at > @hour) AS boxHour,
        count(*) AS boxDay
      FROM messages m JOIN addresses a ON a.msg_id = m.id
      WHERE m.direction = 'out' AND m.created_at > @day AND a.role = 'to'`,
    params: [{ from, domain: domain ?? null, hour, day: now - DAY_MS }],
    domain,
  };
}
