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

/** Same sequence number, same user data, same SC time stamp: the same segment presented again. */
function sameSegment(a: SmsDeliver, b: SmsDeliver): boolean {
  const x = a.userData.data;
  const y = b.userData.data;
  if (x.length !== y.length || a.scts.date.getTime() !== b.scts.date.getTime()) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Splits the segments of one (originator, reference width, reference, total) into messages.
 * The 8-bit reference of §9.2.3.24.1 wraps every 256 messages (and SMSCs reuse references), so
 * the key alone does not name one message. In arrival order, a segment that repeats one already
 * held (same data, same SCTS) is a duplicate of it; otherwise it joins an instance that is still
 * incomplete, began within `windowMs` before it, and lacks its sequence number — of several, the
 * one whose service-centre time stamps (§9.2.3.11) are nearest its own, then the oldest —
 * and else starts a new instance. A complete instance takes nothing more, so a segment is never
 * folded into a message that is already whole.
 */
function instancesOf(key: string, total: number, segments: readonly StoredSegment[], windowMs: number): Group[] {
  const out: Array<Group & { seqs: Map<number, StoredSegment>; firstAt: number }> = [];
  for (const s of [...segments].sort(byArrival)) {
    const seq = s.deliver.concat?.seq ?? 1;
    const at = s.receivedAt.getTime();
    const inWindow = (g: { firstAt: number }): boolean => at - g.firstAt <= windowMs;
    const repeat = out.find((g) => inWindow(g) && g.seqs.has(seq) && sameSegment((g.seqs.get(seq) as StoredSegment).deliver, s.deliver));
    if (repeat) {
      repeat.segments.push(s);
      continue;
    }
    let open: (typeof out)[number] | undefined;
    let best = Number.POSITIVE_INFINITY;
    const scts = s.deliver.scts.date.getTime();
    for (const g of out) {
      if (g.seqs.size >= total || !inWindow(g) || g.seqs.has(seq)) continue;
      let d = Number.POSITIVE_INFINITY;
      for (const x of g.seqs.values()) d = Math.min(d, Math.abs(x.deliver.scts.date.getTime() - scts));
      if (d < best) {
        best = d;
        open = g;
      }
    }
    if (open) {
      open.segments.push(s);
      open.seqs.set(seq, s);
      continue;
    }
    // The first instance keeps the plain key; later ones are told apart by their first segment.
    out.push({ key: out.length === 0 ? key : `${key}@${s.id}`, total, segments: [s], seqs: new Map([[seq, s]]), firstAt: at });
  }
  return out;
}

/**
 * Groups segments by (originator, reference width, reference, total), then into messages by
 * arrival (`instancesOf`: a reference reused by a later message starts a new one). Complete
 * messages and single-part ones are returned; an incomplete one whose first segment arrived at
 * least `timeoutMs` before `now` is released flagged `incomplete`; the rest keep waiting.
 * `windowMs` (default: no limit) is how long after a message's first segment another segment
 * may still belong to it; the pipeline sets it to its concatenation timeout.
 */
export function reassemble(
  segments: readonly StoredSegment[],
  opts: { readonly now: Date; readonly timeoutMs: number; readonly windowMs?: number },
): ReassemblyResult {
  const messages: AssembledMessage[] = [];
  const waiting: PendingGroup[] = [];
  const byKey = new Map<string, { total: number; segments: StoredSegment[] }>();
  for (const s of segments) {
    const key = groupKey(s.deliver);
    if (key === undefined) {
      messages.push(single(s));
      continue;
    }
    let g = byKey.get(key);
    if (!g) {
      g = { total: s.deliver.concat?.total ?? 1, segments: [] };
      byKey.set(key, g);
    }
    g.segments.push(s);
  }
  const windowMs = opts.windowMs ?? Number.POSITIVE_INFINITY;
  for (const [key, k] of byKey) {
    for (const g of instancesOf(key, k.total, k.segments, windowMs)) {
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
  }
  messages.sort((a, b) => a.firstReceivedAt.getTime() - b.firstReceivedAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { messages, waiting };
}
