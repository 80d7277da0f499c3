import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNumberPattern, routeMessage } from '../../../src/mail/out/routing.js';
import type { RoutingConfig } from '../../../src/mail/out/types.js';
import { ALICE, BOB, BOX, smsMessage } from './fixtures.js';

describe('number patterns', () => {
  test('exact, prefix and glob, on normalised numbers', () => {
    assert.equal(compileNumberPattern('+4915112345678')('+49 151 1234-5678'), true);
    assert.equal(compileNumberPattern('+4915112345678')('+491511234567'), false);
    assert.equal(compileNumberPattern('+49151*')(`${ALICE}/TYPE=PLMN`), true);
    assert.equal(compileNumberPattern('0049151*')(ALICE), true, '00 is the international prefix');
    assert.equal(compileNumberPattern('+49160*')(ALICE), false);
    assert.equal(compileNumberPattern('+49??1*78')(ALICE), true);
    assert.equal(compileNumberPattern('+49??1*79')(ALICE), false);
    assert.equal(compileNumberPattern('+49[15]*')(ALICE), false, 'regex syntax is literal');
    assert.equal(compileNumberPattern('Vodafone')('Vodafone'), true, 'alphanumeric senders match exactly');
  });
});

describe('routing', () => {
  const config: RoutingConfig = {
    rules: [
      { sender: '+49151*', mailboxes: ['family@company.example'], continue: true },
      { box: BOX, sender: BOB, mailboxes: ['bob-watch@company.example'] },
      { sim: 'work-sim', mailboxes: ['work@company.example'] },
      { box: BOX, mailboxes: ['box@company.example', 'Family@company.example'] },
    ],
    defaultMailboxes: ['catchall@company.example'],
  };

  test('first match decides; continue adds later matches; duplicates collapse', () => {
    assert.deepEqual(routeMessage(smsMessage({ from: ALICE }), config), ['family@company.example', 'box@company.example']);
    assert.deepEqual(routeMessage(smsMessage({ from: BOB }), config), ['bob-watch@company.example']);
  });

  test('SIM identifier, and the default when nothing matches', () => {
    assert.deepEqual(routeMessage(smsMessage({ from: BOB, boxNumber: '+4930111', simId: 'work-sim' }), config), ['work@company.example']);
    assert.deepEqual(routeMessage(smsMessage({ from: BOB, boxNumber: '+4930111' }), config), ['catchall@company.example']);
  });

  test('for an outgoing copy the remote party is the recipient', () => {
    const out = smsMessage({ direction: 'outgoing', from: BOX, to: [BOB] });
    assert.deepEqual(routeMessage(out, config), ['bob-watch@company.example']);
  });

  test('pure: the same input gives the same answer and nothing is mutated', () => {
    const msg = smsMessage();
    const frozen = JSON.stringify(config);
    assert.deepEqual(routeMessage(msg, config), routeMessage(msg, config));
    assert.equal(JSON.stringify(config), frozen);
  });
});
