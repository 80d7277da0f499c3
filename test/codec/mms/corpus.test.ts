/**
 * Conformance against the public mmsd sample corpus (../shared/corpus/mms, MANIFEST.md): every
 * file decodes to the values its origin project documents, round-trips byte for byte, and its
 * part bodies are views into the input.
 *
 * Where the manifest disagrees with the bytes, the bytes win and the test says why:
 * - rc-mms-1-3-con-216 lists an overall size of 114440; the file holds 11444 bytes (a typo).
 * - rc-mms-1-3-con-228's date ends in "+020", a typo of "+0200".
 * - the manifest writes offsets without a colon ("…:340200" = seconds 34, UTC+02:00).
 * - inline-mms_m_retrieve_conf_* list From/To without the leading '+' the bytes carry.
 * - ni-mms-1-3-con-272 ("Long X-Mms-Content-Location") lists only the first 66 characters of
 *   its 100-character location.
 * - ni-mms-1-3-con-271 carries its location with a leading space; the value is the URI without it.
 * - notification expiries are relative in the bytes (259200 s); the manifest shows the absolute
 *   instant the origin project computed from its own clock, so only the relative value is checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ABSENT, corpusDir, corpusFiles } from '../../helpers/corpus.js';
import { decodeMms, encodeMms, partText, smilPart, type MmsAddress, type MmsPart, type MmsPdu } from '../../../src/codec/mms/index.js';
import { formatContentType } from '../../../src/codec/wsp/index.js';

interface Attachment { offset: number; length: number; contentType: string; contentId: string }
interface Entry { name: string; kv: Map<string, string>; attachments: Attachment[] }

function parseManifest(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | undefined;
  let att: Partial<Attachment> | undefined;
  for (const line of text.split('\n')) {
    const h = /^## (\S+\.mms)/.exec(line);
    if (h) {
      cur = { name: h[1] as string, kv: new Map(), attachments: [] };
      out.push(cur);
      continue;
    }
    const m = /^- ([^:]+):\s*(.*)$/.exec(line);
    if (!m || !cur) continue;
    const key = m[1] as string;
    const value = (m[2] as string).trim();
    if (key === 'Attachment') {
      att = {};
      cur.attachments.push(att as Attachment);
    } else if (att && key === 'Offset') att.offset = Number(value);
    else if (att && key === 'Length') att.length = Number(value);
    else if (att && key === 'Content-type') att.contentType = value;
    else if (att && key === 'Content-id') att.contentId = value;
    else cur.kv.set(key, value);
  }
  return out;
}

/** "2011-05-19T10:56:340200", "…+0200", "…+020" (typo) → the instant. */
function manifestInstant(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]?)(\d{3,4})$/.exec(s);
  assert.ok(m, `unparseable manifest date ${s}`);
  const digits = (m[3] as string).padEnd(4, '0');
  return Date.parse(`${m[1]}${m[2] || '+'}${digits.slice(0, 2)}:${digits.slice(2)}`);
}

function sameAddress(a: MmsAddress | undefined, want: string): boolean {
  return a !== undefined && (a.raw === want || a.raw === `+${want}`);
}

const nullable = (s: string | undefined): string | undefined => (s === '(null)' ? undefined : s);

function check(e: Entry, bytes: Uint8Array, pdu: MmsPdu): void {
  const kv = e.kv;
  const size = Number(kv.get('Overall message size'));
  if (e.name === 'rc-mms-1-3-con-216.mms') assert.equal(bytes.length, 11444, 'manifest typo 114440');
  else assert.equal(bytes.length, size);
  assert.equal(pdu.messageType, `m-${kv.get('MMS message type')}`);
  assert.equal(pdu.transactionId, nullable(kv.get('MMS transaction id')));
  assert.equal(pdu.mmsVersion, kv.get('MMS version'));
  const from = nullable(kv.get('From'));
  if (from !== undefined) assert.ok(sameAddress(pdu.from, from), `From ${pdu.from?.raw} vs ${from}`);
  else if (kv.has('From')) assert.equal(pdu.from, undefined);
  const to = kv.get('To');
  if (to !== undefined) {
    const want = to === '(null)' ? [] : to.split(',');
    assert.equal(pdu.to.length, want.length);
    want.forEach((w, i) => assert.ok(sameAddress(pdu.to[i], w), `To ${pdu.to[i]?.raw} vs ${w}`));
  }
  if (kv.has('Subject')) assert.equal(pdu.subject, nullable(kv.get('Subject')));
  if (kv.has('Class')) {
    const c = nullable(kv.get('Class'));
    assert.equal(pdu.messageClass?.toLowerCase(), c?.toLowerCase());
  }
  if (kv.has('Priority')) assert.equal(pdu.priority, nullable(kv.get('Priority'))?.toLowerCase());
  if (kv.has('Msg-Id')) assert.equal(pdu.messageId, nullable(kv.get('Msg-Id')));
  if (kv.has('Date')) assert.equal(pdu.date?.getTime(), manifestInstant(kv.get('Date') as string));
  if (kv.has('Size')) assert.equal(pdu.messageSize, Number(kv.get('Size')));
  if (e.name === 'ni-mms-1-3-con-272.mms') {
    assert.ok(pdu.contentLocation?.startsWith(kv.get('Location') as string), 'manifest shows a prefix');
    assert.equal(pdu.contentLocation?.length, 100);
  } else if (kv.has('Location')) assert.equal(pdu.contentLocation, kv.get('Location'));
  if (kv.has('Expiry')) assert.deepEqual(pdu.expiry, { kind: 'relative', seconds: 259200 });
  if (kv.has('Response-Status')) assert.equal(pdu.responseStatus, kv.get('Response-Status'));
  for (const [i, a] of e.attachments.entries()) {
    const p = pdu.parts[i];
    assert.ok(p, `attachment ${i}`);
    assert.equal(p.body.byteOffset, a.offset);
    assert.equal(p.body.length, a.length);
    assert.equal(formatContentType({ mediaType: p.contentType, params: p.params }), a.contentType);
    assert.equal(p.contentId, a.contentId);
  }
}

test('corpus: every file decodes to the documented values', (t) => {
  const dir = corpusDir();
  if (!dir) return t.skip(CORPUS_ABSENT);
  const manifest = parseManifest(readFileSync(join(dir, 'MANIFEST.md'), 'utf8'));
  const files = new Map(corpusFiles().map((f) => [f.name, f]));
  assert.equal(manifest.length, files.size, 'every file has a manifest entry');
  for (const e of manifest) {
    const f = files.get(e.name);
    assert.ok(f, `${e.name} present`);
    const r = decodeMms(f.bytes);
    assert.ok(r.ok, `${e.name}: ${r.ok ? '' : r.error.message}`);
    check(e, f.bytes, r.value);
  }
});

test('corpus: every file re-encodes byte for byte', (t) => {
  const files = corpusFiles();
  if (files.length === 0) return t.skip(CORPUS_ABSENT);
  for (const f of files) {
    const r = decodeMms(f.bytes);
    assert.ok(r.ok, f.name);
    assert.deepEqual(Buffer.from(encodeMms(r.value)), Buffer.from(f.bytes), f.name);
  }
});

test('corpus: part bodies are views into the input, not copies', (t) => {
  const files = corpusFiles();
  if (files.length === 0) return t.skip(CORPUS_ABSENT);
  let parts = 0;
  for (const f of files) {
    const r = decodeMms(f.bytes);
    assert.ok(r.ok);
    for (const p of r.value.parts) {
      assert.equal(p.body.buffer, f.bytes.buffer, f.name);
      parts++;
    }
  }
  assert.ok(parts >= 20);
});

test('corpus: recognised field with unrecognised value and unknown header field are kept (con-281, con-282)', (t) => {
  const files = new Map(corpusFiles().map((f) => [f.name, f]));
  const f281 = files.get('rc-mms-1-3-con-281.mms');
  const f282 = files.get('rc-mms-1-3-con-282.mms');
  if (!f281 || !f282) return t.skip(CORPUS_ABSENT);
  const r281 = decodeMms(f281.bytes);
  assert.ok(r281.ok);
  assert.deepEqual(
    r281.value.unknownHeaders.map((h) => [h.name, h.value, h.reason]),
    [['X-MMS-Unrecognised-Header-Field', 'Yes', 'application-header']],
  );
  const r282 = decodeMms(f282.bytes);
  assert.ok(r282.ok);
  assert.equal(r282.value.messageClass, 'NewMessageClass');
});

test('corpus: a changed field is re-encoded and the rest kept', (t) => {
  const f = corpusFiles().find((x) => x.name === 'rc-mms-1-3-con-211.mms');
  if (!f) return t.skip(CORPUS_ABSENT);
  const r = decodeMms(f.bytes);
  assert.ok(r.ok);
  assert.equal(r.value.subject, 'Shõrt Téxt - ¥üëäÿ');
  r.value.subject = 'Changed 日本';
  const text = r.value.parts[1];
  assert.ok(text);
  text.contentId = '<renamed>';
  text.charset = 'iso-8859-1';
  const again = decodeMms(encodeMms(r.value));
  assert.ok(again.ok);
  assert.equal(again.value.subject, 'Changed 日本');
  assert.equal(again.value.parts[1]?.contentId, '<renamed>');
  assert.equal(again.value.parts[1]?.charset, 'iso-8859-1');
  assert.equal(again.value.parts[1]?.contentLocation, text.contentLocation);
  assert.equal(again.value.date?.getTime(), r.value.date?.getTime());
  assert.equal(again.value.parts[0]?.contentId, r.value.parts[0]?.contentId);
  assert.deepEqual(Buffer.from(again.value.parts[1]?.body ?? []), Buffer.from(r.value.parts[1]?.body ?? []));
});

test('corpus: text parts decode by charset; SMIL is the start part of multipart/related', (t) => {
  const files = new Map(corpusFiles().map((f) => [f.name, f]));
  const get = (n: string): MmsPdu | undefined => {
    const f = files.get(n);
    if (!f) return undefined;
    const r = decodeMms(f.bytes);
    assert.ok(r.ok);
    return r.value;
  };
  const u8 = get('rc-mms-1-3-con-213.mms');
  const u16 = get('rc-mms-1-3-con-214.mms');
  const ascii = get('rc-mms-1-3-con-212.mms');
  const rel = get('rc-mms-1-3-con-210.mms');
  if (!u8 || !u16 || !ascii || !rel) return t.skip(CORPUS_ABSENT);
  assert.equal(u16.parts[0]?.charset, 'utf-16');
  assert.match(partText(u16.parts[0] as MmsPart), /^French ê has a roof over the e\. German ü is a u with two dots\./);
  assert.equal(u8.parts[0]?.charset, 'utf-8');
  assert.match(partText(u8.parts[0] as MmsPart), /[^\x00-\x7f]/, 'non-ASCII text decoded');
  assert.doesNotMatch(partText(u8.parts[0] as MmsPart), /\ufffd/);
  assert.equal(partText(ascii.parts[0] as MmsPart), 'The quick brown fox jumped over the lazy dog 1234567890/!()');
  assert.equal(rel.contentType?.params.start, '<SMIL>');
  assert.equal(rel.contentType?.params.type, 'application/smil');
  assert.equal(smilPart(rel)?.contentId, '<SMIL>');
  assert.match(partText(smilPart(rel) as MmsPart), /^<smil>/);
});
