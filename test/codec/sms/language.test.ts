import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSmsPdu, encodeSubmit } from '../../../src/codec/sms/index.js';
import type { NationalLanguage, SmsDeliver, SmsSubmit } from '../../../src/codec/sms/index.js';
import { INDIC } from '../../../src/codec/sms/gsm7-indic.js';
import { LANGUAGE_IDS, septetsToText, tables } from '../../../src/codec/sms/gsm7.js';
import { decodeEncoded, joinedText, rng } from './helpers.js';

test('Indian tables: 128 positions, control and ASCII positions where Annex A puts them', () => {
  for (const [name, t] of Object.entries(INDIC)) {
    assert.equal([...t.locking].length, 128, `${name} locking`);
    assert.equal([...t.shift].length, 128, `${name} shift`);
    assert.equal(t.locking[0x0a], '\n');
    assert.equal(t.locking[0x0d], '\r');
    assert.equal(t.locking[0x1b], '\x00', 'escape position');
    assert.equal(t.locking.slice(0x30, 0x3a), '0123456789');
    assert.equal(t.locking.slice(0x61, 0x7b), 'abcdefghijklmnopqrstuvwxyz');
    assert.equal(t.shift[0x0a], '\f');
    assert.equal(t.shift.slice(0x41, 0x5b), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  }
  // Devanagari letters follow Unicode order from 0x03 (A.3.6).
  assert.equal(INDIC.hindi.locking.slice(0x03, 0x0a), 'अआइईउऊऋ');
  assert.deepEqual(Object.values(LANGUAGE_IDS).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
});

test('default, Turkish and Portuguese locking tables: 128 positions, anchors where 23.038 puts them', () => {
  const all = Uint8Array.from({ length: 128 }, (_, i) => i);
  const expect: Array<[string, string, string]> = [
    ['default', '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ', 'PQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'],
    ['turkish', '@£$¥€éùıòÇ\nĞğ\rÅåΔ_ΦΓΛΩΠΨΣΘΞ', 'PQRSTUVWXYZÄÖÑÜ§çabcdefghijklmnopqrstuvwxyzäöñüà'],
    ['portuguese', '@£$¥êéúíóç\nÔô\rÁáΔ_ªÇÀ∞^\\€Ó|', 'PQRSTUVWXYZÃÕÚÜ§~abcdefghijklmnopqrstuvwxyzãõ`üà'],
  ];
  for (const [lang, head, tail] of expect) {
    const t = lang === 'default' ? tables() : tables(lang as NationalLanguage);
    const text = septetsToText(all.filter((s) => s !== 0x1b), t);
    assert.equal([...text].length, 127, lang);
    assert.ok(text.startsWith(head), lang);
    assert.ok(text.endsWith(tail), lang);
  }
});

test('hand-assembled SMS-DELIVER with Hindi locking + single shift', () => {
  const r = decodeSmsPdu('07911326040000F0440B911346610089F60000421072413521400F0625010624010683CA8603DA0401');
  assert.ok(r.ok);
  assert.equal((r.value as SmsDeliver).text, 'अक० A');
});

test('every national language round-trips as GSM 7-bit and beats UCS2 on length', () => {
  const r = rng(13);
  for (const lang of Object.keys(LANGUAGE_IDS) as NationalLanguage[]) {
    const pool = lang in INDIC ? [...INDIC[lang as keyof typeof INDIC].locking.slice(0x00, 0x30)].filter((c) => c !== '\x00' && c >= ' ') : [...'ğüşıöçáíóúêôãõ'];
    const text = Array.from({ length: 300 }, () => pool[Math.floor(r() * pool.length)]).join('');
    const parts = encodeSubmit({ to: '+919876543210', text, reference: 1, nationalLanguage: lang });
    const decoded = parts.map((p) => decodeEncoded<SmsSubmit>(p, 'submit'));
    assert.equal(joinedText(decoded), text, lang);
    if (lang in INDIC) {
      assert.equal(decoded[0]?.dcs.alphabet, 'gsm7', lang);
      assert.ok(parts.length < encodeSubmit({ to: '+919876543210', text, reference: 1 }).length, `${lang} saves parts`);
    }
  }
});
