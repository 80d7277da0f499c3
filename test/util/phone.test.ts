import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxCountry, costlyReason, countryOfCallingCode, countryOfNumber, formatPhone, formatPhoneNumber, parsePhone, phoneKey, phoneMemoSizes, type CountryCode } from '../../src/util/phone.js';
import { countryOfMcc } from '../../src/util/mcc.js';
import { normalizeNumber } from '../../src/mail/in/numbers.js';

const e164 = (input: string, country?: CountryCode, bareDigits?: 'national' | 'international'): string => {
  const r = parsePhone(input, { country, ...(bareDigits ? { bareDigits } : {}) });
  return r.ok ? r.e164 : `refused: ${r.reason}`;
};

test('national numbers take the box\'s country (issue 9: 0871112223 on an Irish box is +353, not Finnish)', () => {
  assert.equal(e164('0871112223', 'IE'), '+353871112223');
  assert.equal(e164('087 111 2223', 'IE'), '+353871112223');
  // The old rule took the first two digits of +353… as the country code: +35871112223 (Finland's +358 zone).
  assert.deepEqual(normalizeNumber('0871112223', { defaultCountryCode: '353' }), { ok: true, e164: '+353871112223' });
  assert.equal(e164('0151 12345678', 'DE'), '+4915112345678');
  assert.equal(e164('07911 123456', 'GB'), '+447911123456');
  assert.equal(e164('098765 43210', 'IN'), '+919876543210');
  assert.equal(e164('040 1234567', 'FI'), '+358401234567');
  assert.equal(e164('(212) 555-1234', 'US', 'national'), '+12125551234');
  assert.equal(e164('1-212-555-1234', 'US', 'national'), '+12125551234');
  // International forms are the same in every country.
  for (const c of ['DE', 'IE', 'US', 'GB', 'IN', 'FI'] as const) {
    assert.equal(e164('+49 1511 2345678', c), '+4915112345678');
    assert.equal(e164('0049 151 12345678', c), '+4915112345678');
  }
  assert.match(e164('0871112223'), /refused: .*country is not known/);
});

test('short codes, garbage and over-long numbers are refused', () => {
  for (const [input, c] of [['22222', 'DE'], ['+49 22', undefined], ['12345', 'US'], ['+4917012345678901', 'DE'], ['0170abc', 'DE'], ['', 'DE'], ['+0170123456', 'DE']] as const) {
    assert.match(e164(input, c, 'national'), /^refused/, input);
  }
  assert.match(e164('22222', 'DE', 'national'), /short codes/);
});

test('E.164 keys for matching and threads: every spelling of a number is one key; alphanumeric senders and short codes stay', () => {
  assert.equal(phoneKey('0871112223', 'IE'), '+353871112223');
  assert.equal(phoneKey('+353 87 111 2223/TYPE=PLMN', 'IE'), '+353871112223');
  assert.equal(phoneKey('00353871112223', 'DE'), '+353871112223');
  assert.equal(phoneKey('Vodafone', 'DE'), 'Vodafone');
  assert.equal(phoneKey('  BANK-INFO ', 'GB'), 'BANK-INFO');
  assert.equal(phoneKey('22222', 'DE'), '22222');
  assert.equal(phoneKey('+15550100001', 'US'), '+15550100001');
});

test('display: national format at home, international abroad, names as they are', () => {
  assert.equal(formatPhone('+353871112223', 'IE'), '087 111 2223');
  assert.equal(formatPhone('+353871112223', 'DE'), '+353 87 111 2223');
  assert.equal(formatPhone('+12125551234', 'US'), '(212) 555-1234');
  assert.equal(formatPhone('+4915112345678', 'DE'), '01511 2345678');
  assert.equal(formatPhone('Vodafone', 'DE'), 'Vodafone');
});

test('costly numbers are named and refused by default, unless allowed', () => {
  assert.match(costlyReason('+499001234567') ?? '', /premium-rate/);
  assert.match(costlyReason('+449065551234') ?? '', /premium-rate/);
  assert.match(costlyReason('+447012345678') ?? '', /personal-number/);
  assert.equal(costlyReason('+4915112345678'), undefined);
  assert.equal(costlyReason('+353871112223'), undefined);
  assert.equal(costlyReason('+499001234567', { allow: ['+49900*'] }), undefined);
  assert.equal(costlyReason('+499001234567', { allow: ['+499001234567'] }), undefined);
  assert.equal(costlyReason('+447012345678', { refuse: ['PREMIUM_RATE'] }), undefined);
});

test('the box\'s country: configured, else the SIM\'s MCC, else its own number, else the calling code', () => {
  assert.equal(countryOfMcc('272011234567890'), 'IE');
  assert.equal(countryOfMcc('262'), 'DE');
  assert.equal(countryOfMcc('310410123456789'), 'US');
  assert.equal(countryOfMcc('234'), 'GB');
  assert.equal(countryOfMcc('404'), 'IN');
  assert.equal(countryOfMcc('244'), 'FI');
  assert.equal(countryOfMcc('999'), undefined);
  assert.equal(boxCountry({ configured: 'ie' }), 'IE');
  assert.equal(boxCountry({ configured: null, imsi: '272011234567890', ownNumber: '+4915112345678' }), 'IE');
  assert.equal(boxCountry({ ownNumber: '+353871112223' }), 'IE');
  assert.equal(boxCountry({ callingCode: '1' }), 'US');
  assert.equal(countryOfCallingCode('44'), 'GB');
  assert.equal(boxCountry({}), undefined);
});

test('conversation keys: a national originator threads with the same number written in E.164', async () => {
  const { conversationKey } = await import('../../src/mail/out/addresses.js');
  const msg = (from: string) => ({ id: '1', kind: 'sms', boxNumber: '+353861234567', from, to: ['+353861234567'], cc: [], date: new Date(), parts: [] }) as unknown as Parameters<typeof conversationKey>[0];
  assert.equal(conversationKey(msg('0871112223'), 'IE'), conversationKey(msg('+353871112223'), 'IE'));
  assert.notEqual(conversationKey(msg('0871112223')), conversationKey(msg('+353871112223')), 'without the country they differed');
});

test('relayed mail: a national originator gets the E.164 address and Reply-To of its number', async () => {
  const { partyAddress, replyToAddress } = await import('../../src/mail/out/addresses.js');
  const render = { addressDomain: 'sms.example', country: 'IE' };
  assert.equal(partyAddress('0871112223', render).address, '+353871112223@sms.example');
  assert.equal(partyAddress('+353871112223', render).address, '+353871112223@sms.example');
  assert.equal(partyAddress('Vodafone', render).address, 'vodafone@sms.example');
  assert.equal(replyToAddress('0871112223', '+353861234567', 'box+{number}@company.example', 'IE'), 'box++353871112223@company.example');
  assert.equal(partyAddress('0871112223', { addressDomain: 'sms.example' }).address, '0871112223@sms.example', 'without a country, as before');
});

test('one formatter for display: formatPhoneNumber and boxCallingCode (libphonenumber-js, full metadata)', async () => {
  const { formatPhoneNumber, boxCallingCode } = await import('../../src/util/phone.js');
  assert.equal(formatPhoneNumber('+4915112345678'), '+49 1511 2345678');
  assert.equal(formatPhoneNumber('004915112345678/TYPE=PLMN'), '+49 1511 2345678');
  assert.equal(formatPhoneNumber('015112345678', { countryCode: '49' }), '+49 1511 2345678');
  assert.equal(formatPhoneNumber('+4915112345678', { countryCode: '49', style: 'national' }), '01511 2345678');
  assert.equal(formatPhoneNumber('+353871112223', { countryCode: '49', style: 'national' }), '+353 87 111 2223', 'another country stays international');
  assert.equal(formatPhoneNumber('12345', { countryCode: '49' }), '12345', 'a short code as it is');
  assert.equal(formatPhoneNumber('Vodafone'), 'Vodafone');
  assert.equal(boxCallingCode(undefined, '+353861234567'), '353');
  assert.equal(boxCallingCode('49', '+353861234567'), '49');
  assert.equal(boxCallingCode(null, null), undefined);
});

test('the calling-code metadata is loaded once, not resolved again for every number', async () => {
  const { default: Module } = await import('node:module');
  const m = Module as unknown as { _resolveFilename: (...args: unknown[]) => string };
  const original = m._resolveFilename;
  let resolved = 0;
  m._resolveFilename = function (...args: unknown[]): string {
    if (String(args[0]).startsWith('libphonenumber-js')) resolved++;
    return original.apply(this, args);
  };
  try {
    // NANP's 555 numbers have no country of their own: each falls back to the calling code.
    for (let i = 0; i < 200; i++) assert.equal(countryOfCallingCode('1'), 'US');
  } finally {
    m._resolveFilename = original;
  }
  assert.ok(resolved <= 2, `libphonenumber-js resolved ${resolved} times for 200 numbers`);
});

test('answers are kept per country and reading, for short inputs only, and never more than 1,024 of them', () => {
  // The same digits read in two countries, and read as national or international: four answers, none mixed up.
  for (let round = 0; round < 2; round++) {
    assert.equal(e164('0871112223', 'IE'), '+353871112223');
    assert.equal(e164('0871112223', 'FI'), '+358871112223');
    assert.equal(e164('4915112345678', 'DE'), '+4915112345678');
    assert.equal(e164('015112345678', 'DE', 'national'), '+4915112345678');
    assert.equal(formatPhone('+353871112223', 'IE'), '087 111 2223');
    assert.equal(formatPhone('+353871112223', 'DE'), '+353 87 111 2223');
  }
  // Shown per calling code and style; a country per number, "none" included.
  for (let round = 0; round < 2; round++) {
    assert.equal(formatPhoneNumber('+4915112345678', { countryCode: '49', style: 'national' }), '01511 2345678');
    assert.equal(formatPhoneNumber('+4915112345678', { countryCode: '49' }), '+49 1511 2345678');
    assert.equal(formatPhoneNumber('015112345678', { countryCode: '49' }), '+49 1511 2345678');
    assert.equal(formatPhoneNumber('015112345678'), '015112345678');
    assert.equal(countryOfNumber('+353871112223'), 'IE');
    assert.equal(countryOfNumber('+999123'), undefined);
  }
  for (let i = 0; i < 3000; i++) {
    const n = `+1555${String(i).padStart(7, '0')}`;
    parsePhone(n);
    formatPhoneNumber(n);
    countryOfNumber(n);
  }
  const sizes = phoneMemoSizes();
  assert.ok(sizes.parsed <= 1024 && sizes.shown <= 1024 && sizes.countries <= 256, JSON.stringify(sizes));
  assert.ok(sizes.shown > 0 && sizes.countries > 0, 'kept');
  const before = phoneMemoSizes().parsed;
  parsePhone(`+${'1'.repeat(200)}`);
  assert.equal(phoneMemoSizes().parsed, before, 'a long input is answered, not kept');
  assert.match(e164(`+${'1'.repeat(200)}`), /^refused: /);
});
