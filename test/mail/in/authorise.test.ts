import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthenticationResults, trustedAuthResults } from '../../../src/mail/in/auth-results.js';
import { authorise } from '../../../src/mail/in/authorise.js';
import { ANNA, mailInOptions } from './fixtures.js';

const opts = mailInOptions();
const numbering = opts.addressing.numbering;

test('RFC 8601 header: methods, properties, comments and quoted strings', () => {
  const ar = parseAuthenticationResults(
    'mx.gw.example.org 1; (a comment; with a semicolon)\r\n spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.org;\r\n dkim=pass reason="good; signature" header.d=example.org header.s=sel;\r\n dmarc=fail header.from=example.org',
  );
  assert.ok(ar);
  assert.equal(ar.authservId, 'mx.gw.example.org');
  assert.deepEqual(ar.results.map((r) => [r.method, r.result]), [['spf', 'pass'], ['dkim', 'pass'], ['dmarc', 'fail']]);
  assert.equal(ar.results[1]?.reason, 'good; signature');
  assert.equal(ar.results[1]?.props['header.d'], 'example.org');
  assert.deepEqual(parseAuthenticationResults('example.net; none')?.results, []);
});

test('only the configured authserv-id is trusted, topmost first', () => {
  const forged = 'mx.gw.example.org; dkim=pass header.d=example.org';
  const real = 'mx.gw.example.org; dkim=fail header.d=example.org';
  assert.equal(trustedAuthResults(['evil.example; dkim=pass header.d=example.org'], 'mx.gw.example.org'), undefined);
  assert.equal(trustedAuthResults([real, forged], 'mx.gw.example.org')?.results[0]?.result, 'fail');
  assert.equal(trustedAuthResults([forged], undefined), undefined);
});

test('known senders pass, unknown ones are refused, several From are ambiguous', () => {
  assert.deepEqual(authorise({ from: ['Anna@Example.org'] }, ['+491709999999'], opts.authorisation, numbering), { ok: true, sender: 'anna@example.org' });
  const u = authorise({ from: ['mallory@evil.example'] }, ['+491709999999'], opts.authorisation, numbering);
  assert.ok(!u.ok && u.refusal.code === 'MAIL_SENDER_UNKNOWN');
  const two = authorise({ from: ['anna@example.org', 'mallory@evil.example'] }, [], opts.authorisation, numbering);
  assert.ok(!two.ok && two.refusal.code === 'MAIL_NO_SENDER');
});

test('domain entries restricted to numbers refuse the whole mail if one number is not allowed', () => {
  assert.ok(authorise({ from: ['kid@family.example'] }, ['+491701111111'], opts.authorisation, numbering).ok);
  const r = authorise({ from: ['kid@family.example'] }, ['+491701111111', '+491702222222'], opts.authorisation, numbering);
  assert.ok(!r.ok && r.refusal.code === 'MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER');
  assert.match(!r.ok ? r.refusal.reason : '', /\+491702222222/);
});

test('requireDkimPass / requireSpfPass need an aligned pass from the trusted server', () => {
  const strict = { ...opts.authorisation, requireDkimPass: true, requireSpfPass: true };
  const pass = trustedAuthResults(['mx.gw.example.org; spf=pass smtp.mailfrom=bounce.example.org; dkim=pass header.d=example.org'], 'mx.gw.example.org');
  assert.ok(pass);
  assert.ok(authorise({ from: [ 'anna@example.org'], authResults: pass }, [], strict, numbering).ok);
  const otherDomain = trustedAuthResults(['mx.gw.example.org; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=evil.example'], 'mx.gw.example.org');
  assert.ok(otherDomain);
  const r = authorise({ from: ['anna@example.org'], authResults: otherDomain }, [], strict, numbering);
  assert.ok(!r.ok && r.refusal.code === 'MAIL_AUTH_FAILED' && /DKIM/.test(r.refusal.reason));
  const none = authorise({ from: ['anna@example.org'] }, [], strict, numbering);
  assert.ok(!none.ok && none.refusal.code === 'MAIL_AUTH_FAILED');
  assert.ok(authorise({ from: ['anna@example.org'], smtpUser: { username: 'anna' } }, [], strict, numbering).ok, 'an SMTP login stands in for DKIM/SPF');
});

test('an SMTP login with its own sender list may only use those From addresses', () => {
  const user = { username: 'office', senders: ['@office.example'] };
  assert.ok(authorise({ from: ['desk@office.example'], smtpUser: user }, ['+491709999999'], opts.authorisation, numbering).ok);
  const r = authorise({ from: ['anna@example.org'], smtpUser: user }, [], opts.authorisation, numbering);
  assert.ok(!r.ok && r.refusal.code === 'MAIL_SENDER_UNKNOWN');
});

test('destination rules reserve a number to its senders and admit them for it alone', () => {
  const a = { ...opts.authorisation, perDestination: [{ to: '+491703333333', senders: ['grandma@example.net', '@family.example'] }] };
  const anna = authorise({ from: [ANNA] }, ['+491703333333'], a, numbering);
  assert.ok(!anna.ok && anna.refusal.code === 'MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER', 'a general sender may not use a reserved number');
  assert.ok(authorise({ from: ['grandma@example.net'] }, ['+491703333333'], a, numbering).ok);
  const other = authorise({ from: ['grandma@example.net'] }, ['+491704444444'], a, numbering);
  assert.ok(!other.ok && other.refusal.code === 'MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER');
  assert.ok(authorise({ from: ['kid@family.example'] }, ['+491703333333', '+491701111111'], a, numbering).ok);
});

test('a trusted DMARC fail for the From domain is refused even without requirements', () => {
  const fail = trustedAuthResults(['mx.gw.example.org; dmarc=fail (p=reject) header.from=example.org'], 'mx.gw.example.org');
  assert.ok(fail);
  const r = authorise({ from: [ANNA], authResults: fail }, [], opts.authorisation, numbering);
  assert.ok(!r.ok && r.refusal.code === 'MAIL_AUTH_FAILED' && /DMARC/.test(r.refusal.reason));
  const other = trustedAuthResults(['mx.gw.example.org; dmarc=fail header.from=elsewhere.example'], 'mx.gw.example.org');
  assert.ok(other && authorise({ from: [ANNA], authResults: other }, [], opts.authorisation, numbering).ok);
});
