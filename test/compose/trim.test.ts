import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trimReply } from '../../src/compose/trim.js';

test('cuts Gmail-style attribution and quotes', () => {
  const mail = 'See you at 8.\n\nOn Mon, 3 Mar 2025 at 10:12, +49 170 1234567 <box+491701234567@example.org>\nwrote:\n> Are you coming?\n> bye';
  assert.equal(trimReply(mail), 'See you at 8.');
});

test('cuts attributions in other languages', () => {
  for (const line of [
    'Am 03.03.2025 um 10:12 schrieb Anna <anna@example.org>:',
    'Le lun. 3 mars 2025 à 10:12, Anna <anna@example.org> a écrit :',
    'El lun, 3 mar 2025 a las 10:12, Anna (<anna@example.org>) escribió:',
    'Il giorno lun 3 mar 2025 alle ore 10:12 Anna <anna@example.org> ha scritto:',
    'Op ma 3 mrt 2025 om 10:12 schreef Anna <anna@example.org>:',
    'Den mån 3 mars 2025 kl 10:12 skrev Anna <anna@example.org>:',
  ]) {
    assert.equal(trimReply(`Yes!\n\n${line}\n> original`), 'Yes!', line);
  }
});

test('cuts Outlook original-message blocks, header blocks and signatures', () => {
  assert.equal(trimReply('Fine.\n\n-----Original Message-----\nFrom: x\nSent: y\n\nold text'), 'Fine.');
  assert.equal(trimReply('Fine.\n\n________________________________\nFrom: Gateway <box@example.org>\nSent: Monday, March 3, 2025 10:12\nTo: Anna\nSubject: SMS\n\nold'), 'Fine.');
  assert.equal(trimReply('Von: Gateway\nGesendet: Montag\nAn: Anna\nBetreff: x'), 'Von: Gateway\nGesendet: Montag\nAn: Anna\nBetreff: x', 'nothing left → keep the whole text');
  assert.equal(trimReply('Thanks\n-- \nAnna Example\nACME Corp'), 'Thanks');
  assert.equal(trimReply('On my way\n\nSent from my iPhone'), 'On my way');
  assert.equal(trimReply('Ok\n\nVon meinem iPhone gesendet'), 'Ok');
});

test('keeps inline answers between quotes, drops the quoted lines', () => {
  assert.equal(trimReply('> when?\nat 8\n> where?\nat home'), 'at 8\nat home');
});

test('trimming can be switched off', () => {
  const t = 'Hi\n-- \nsig';
  assert.equal(trimReply(t, { signature: false }), 'Hi\n--\nsig');
  assert.equal(trimReply('a\n> b', { quotes: false }), 'a\n> b');
});
