/**
 * Concatenated SMS, 3GPP 23.040 §9.2.3.24.1 (8-bit reference) and §9.2.3.24.8 (16-bit).
 * A pure function over the stored segments: the store keeps every segment, this decides what
 * is complete, what has waited too long, and what still waits. The raw user data of the parts
 * is joined before any text decoding, so an escape sequence or a surrogate pair that a sender
 * split across parts still decodes.
 */
import { ucs2ToText, userDataText } from './userdata.js';
import type { AssembledMessage, PendingGroup, RawUserData, ReassemblyResult, SmsDeliver, StoredSegment } from './types.js';

interface Group {
  readonly key: string;
  readonly total: number;
  readonly segments: StoredSegment[];
}

function groupKey(d: SmsDeliver): string | undefined {
  const c = d.concat;
  if (!c || c.total <= 1) return undefined;
  return `${d.originator.ton}:${d.originator.number}|${c.refBits}:${c.ref}|${c.total}`;
}

function byArrival(a: StoredSegment, b: StoredSegment): number {
  return a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Replaces unpaired UTF-16 surrogates (left by a missing part) with U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function join(arrays: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const a of arrays) n += a.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function joinedText(parts: ReadonlyArray<SmsDeliver | undefined>): string | undefined {
  const head = parts.find((p) => p !== undefined);
  if (!head || head.dcs.compressed || head.dcs.alphabet === '8bit') return undefined;
  // Contiguous runs of one alphabet are joined raw, then decoded; a missing part shows as one
  // U+FFFD. A run also ends where a sender switched alphabet between parts.
  let out = '';
  let run: SmsDeliver[] = [];
  const flush = (): void => {
    const first = run[0];
    if (!first) return;
    const ud = { unit: first.userData.unit, data: join(run.map((p) => p.userData.data)) } as RawUserData;
    out += first.dcs.alphabet === 'ucs2' ? ucs2ToText(ud.data) : (userDataText(ud, first.dcs, first.udh) ?? '');
    run = [];
  };
  for (const p of parts) {
    if (!p) {
      flush();
      out += '\ufffd';
      continue;
    }
    const first = run[0];
    if (first && (first.dcs.alphabet !== p.dcs.alphabet || first.dcs.compressed !== p.dcs.compressed)) flush();
    run.push(p);
  }
  flush();
  return wellFormed(out);
}

/** The warnings of the segments used, each once, in sequence order. */
function warningsOf(parts: readonly SmsDeliver[]): { warnings?: readonly string[] } {
  const all = new Set<string>();
  for (const p of parts) for (const w of p.warnings ?? []) all.add(w);
  return all.size > 0 ? { warnings: [...all] } : {};
}

function assemble(g: Group, incomplete: boolean): AssembledMessage {
  const bySeq = new Map<number, StoredSegment>();
  const duplicateIds: string[] = [];
  for (const s of [...g.segments].sort(byArrival)) {
    const seq = s.deliver.concat?.seq ?? 1;
    if (bySeq.has(seq)) duplicateIds.push(s.id);
    else bySeq.set(seq, s);
  }
  const ordered: Array<SmsDeliver | undefined> = [];
  const segmentIds: string[] = [];
  const missing: number[] = [];
  for (let seq = 1; seq <= g.total; seq++) {
    const s = bySeq.get(seq);
    ordered.push(s?.deliver);
    if (s) segmentIds.push(s.id);
    else missing.push(seq);
  }
  const present = ordered.filter((d): d is SmsDeliver => d !== undefined);
  const head = present[0] as SmsDeliver;
  const unit = head.userData.unit;
  const userData = { unit, data: join(present.map((d) => d.userData.data)) } as RawUserData;
  const ports = present.find((d) => d.ports)?.ports;
  const text = joinedText(ordered);
  const first = [...g.segments].sort(byArrival)[0] as StoredSegment;
  return {
    type: 'assembled',
    key: g.key,
    originator: head.originator,
    dcs: head.dcs,
    pid: head.pid,
    scts: head.scts,
    segmentIds,
    duplicateIds,
    total: g.total,
    incomplete,
    missing,
    ...(head.concat ? { concat: head.concat } : {}),
    ...(ports ? { ports } : {}),
    userData,
    ...(text !== undefined ? { text } : {}),
    firstReceivedAt: first.receivedAt,
    ...warningsOf(present),
  };
}

function single(s: StoredSegment): AssembledMessage {
  const d = s.deliver;
  return {
    type: 'assembled',
    key: `single:${s.id}`,
    originator: d.originator,
    dcs: d.dcs,
    pid: d.pid,
    scts: d.scts,
    segmentIds: [s.id],
    duplicateIds: [],
    total: 1,
    incomplete: false,
    missing: [],
    ...(d.ports ? { ports: d.ports } : {}),
    userData: d.userData,
    ...(d.text !== undefined ? { text: wellFormed(d.text) } : {}),
    firstReceivedAt: s.receivedAt,
    ...warningsOf([d]),
  };
}

/**
 * Groups segments by (originator, reference width, reference, total). Complete groups and
 * single-part messages become messages; incomplete groups whose first segment arrived at least
 * `timeoutMs` before `now` are released flagged `incomplete`; the rest keep waiting.
 */
export function reassemble(segments: readonly StoredSegment[], opts: { readonly now: Date; readonly timeoutMs: number }): ReassemblyResult {
  const messages: AssembledMessage[] = [];
  const waiting: PendingGroup[] = [];
  const groups = new Map<string, Group>();
  for (const s of segments) {
    const key = groupKey(s.deliver);
    if (key === undefined) {
      messages.push(single(s));
      continue;
    }
    let g = groups.get(key);
    if (!g) {
      g = { key, total: s.deliver.concat?.total ?? 1, segments: [] };
      groups.set(key, g);
    }
    g.segments.push(s);
  }
  for (const g of groups.values()) {
    const seqs = new Set(g.segments.map((s) => s.deliver.concat?.seq ?? 1));
    const missing: number[] = [];
    for (let seq = 1; seq <= g.total; seq++) if (!seqs.has(seq)) missing.push(seq);
    if (missing.length === 0) {
      messages.push(assemble(g, false));
      continue;
    }
    const firstAt = g.segments.reduce((m, s) => Math.min(m, s.receivedAt.getTime()), Number.POSITIVE_INFINITY);
    const expiresAt = firstAt + opts.timeoutMs;
    if (opts.now.getTime() >= expiresAt) messages.push(assemble(g, true));
    else {
      waiting.push({
        key: g.key,
        segmentIds: [...g.segments].sort(byArrival).map((s) => s.id),
        total: g.total,
        received: [...seqs].sort((a, b) => a - b),
        missing,
        firstReceivedAt: new Date(firstAt),
        expiresAt: new Date(expiresAt),
      });
    }
  }
  messages.sort((a, b) => a.firstReceivedAt.getTime() - b.firstReceivedAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { messages, waiting };
}
