/**
 * The MM7 codec pieces on hand-assembled input: multipart/related per RFC 2046 §5.1.1
 * (preamble, transport padding, bare LF, base64 and quoted-printable bodies, a boundary string
 * inside a body that does not start a line), the limits, XML refusals (DOCTYPE per SOAP 1.1 §3,
 * nesting), faults checked by python3, passwords, and the configuration section.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig, type ConfigInput } from '../../src/config/index.js';
import { hashPassword, verifyPassword, type VaspAccount } from '../../src/web/mm7/auth.js';
import { parseContentType, parseMultipart } from '../../src/web/mm7/multipart.js';
import { REL5, REL6 } from '../../src/web/mm7/ns.js';
import { faultEnvelope, Mm7Fault, parseEnvelope } from '../../src/web/mm7/soap.js';
import { parseXml } from '../../src/web/mm7/xml.js';
import { NS5, NS6, pyCheck } from './helpers.js';

describe('multipart/related (RFC 2046 §5.1.1)', () => {
  it('splits parts with a preamble, transport padding, CRLF and bare LF, and decodes base64 and quoted-printable', () => {
    const body = Buffer.from(
      'this is a preamble\r\n' +
        '--xyz  \r\n' + // transport padding after the delimiter
        'Content-Type: text/xml\r\nContent-ID: <soap>\r\n\r\n<a/>\r\n' +
        '--xyz\n' + // bare LF
        'Content-Type: image/jpeg\nContent-ID: <img>\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ\n' +
        '--xyz\r\n' +
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe --xyz not a delimiter=\r\n!\r\n' +
        '--xyz--\r\nepilogue',
    );
    const parts = parseMultipart(body, 'xyz');
    assert.equal(parts.length, 3);
    assert.equal(parts[0]!.contentId, 'soap');
    assert.equal(parts[0]!.body.toString(), '<a/>');
    assert.deepEqual([...parts[1]!.body], [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
    assert.equal(parts[2]!.body.toString('utf8'), 'Grüße --xyz not a delimiter!');
    assert.deepEqual(parts[2]!.contentType, { mediaType: 'text/plain', params: { charset: 'utf-8' } });
  });

  it('refuses a body without its close delimiter, a boundary that never occurs, too many parts, headers without end', () => {
    assert.throws(() => parseMultipart(Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\nabc'), 'b'), /close delimiter/);
    assert.throws(() => parseMultipart(Buffer.from('no parts here'), 'b'), /never occurs/);
    const many = Buffer.from(`${'--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(101)}--b--\r\n`);
    assert.throws(() => parseMultipart(many, 'b'), /more than 100 MIME parts/);
    assert.throws(() => parseMultipart(Buffer.from('--b\r\nContent-Type: text/plain\r\nabc\r\n--b--'), 'b'), /header/);
    assert.throws(() => parseMultipart(Buffer.from(`--b\r\nX: ${'y'.repeat(20_000)}\r\n\r\nz\r\n--b--`), 'b'), /longer than/);
  });

  it('reads Content-Type parameters as RFC 2045 §5.1 writes them', () => {
    assert.deepEqual(parseContentType('Multipart/Related; type="text/xml"; start="<soap@x>"; boundary=abc'), {
      mediaType: 'multipart/related',
      params: { type: 'text/xml', start: '<soap@x>', boundary: 'abc' },
    });
    assert.deepEqual(parseContentType('image/jpeg; name="a \\"b\\".jpg"').params, { name: 'a "b".jpg' });
    assert.throws(() => parseContentType('garbage'), /malformed/);
  });
});

describe('SOAP envelopes', () => {
  const env = (ns: string, inner: string, header = `<env:Header><m:TransactionID xmlns:m="${ns}" env:mustUnderstand="1">t1</m:TransactionID></env:Header>`): string =>
    `<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">${header}<env:Body>${inner}</env:Body></env:Envelope>`;

  it('resolves prefixed and default namespaces alike', () => {
    const a = parseEnvelope(env(NS5, `<mm7:SubmitReq xmlns:mm7="${NS5}"><mm7:MM7Version>5.3.0</mm7:MM7Version></mm7:SubmitReq>`));
    assert.equal(a.release, REL5);
    assert.equal(a.transactionId, 't1');
    const b = parseEnvelope(env(NS6, `<SubmitReq xmlns="${NS6}"><MM7Version>6.8.0</MM7Version></SubmitReq>`));
    assert.equal(b.release, REL6);
  });

  it('refuses a DOCTYPE (SOAP 1.1 §3), deep nesting, an unknown mustUnderstand header', () => {
    const status = (f: () => unknown): number => {
      try {
        f();
      } catch (e) {
        if (e instanceof Mm7Fault) return e.status;
        throw e;
      }
      return 0;
    };
    assert.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), /Document Type Declaration/);
    assert.throws(() => parseXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`), /nested|Maximum|depth/i);
    const extra = `<env:Header><m:TransactionID xmlns:m="${NS6}" env:mustUnderstand="1">t</m:TransactionID><x:Other xmlns:x="urn:x" env:mustUnderstand="1"/></env:Header>`;
    assert.equal(status(() => parseEnvelope(env(NS6, `<SubmitReq xmlns="${NS6}"><MM7Version>6.8.0</MM7Version></SubmitReq>`, extra))), 4004);
    // The XML parser runs at about 1 MB/s: envelopes are bounded at 64 KiB before it runs.
    const wide = env(NS6, `<SubmitReq xmlns="${NS6}"><MM7Version>6.8.0</MM7Version>${'<X>y</X>'.repeat(40_000)}</SubmitReq>`);
    const t0 = Date.now();
    assert.equal(status(() => parseEnvelope(wide)), 4004);
    assert.ok(Date.now() - t0 < 100, 'refused before parsing');
  });

  it('faults carry RSErrorRsp with the status in the request namespace (python3 xml.etree)', () => {
    const f5 = pyCheck(faultEnvelope({ release: REL5, transactionId: 'abc<&>' }, 2007, 'bad <xml> & "quotes"'), { ns: NS5, fault: true });
    assert.deepEqual(f5.errors, []);
    assert.equal(f5.status, 2007);
    assert.equal(f5.tx, 'abc<&>');
    const f6 = pyCheck(faultEnvelope({}, 3000, 'x'), { ns: NS6, fault: true });
    assert.deepEqual(f6.errors, []);
    assert.equal(f6.faultcode, 'env:Server');
  });
});

describe('VASP credentials and configuration', () => {
  it('checks passwords and scrypt hashes in constant-time comparisons', async () => {
    const hash = await hashPassword('s3cret!');
    assert.match(hash, /^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    const a: VaspAccount = { vaspId: 'v', user: 'u', passwordHash: hash, deliverIncoming: false, release: REL6 };
    assert.equal(await verifyPassword(a, 's3cret!'), true);
    assert.equal(await verifyPassword(a, 's3cret'), false);
    assert.equal(await verifyPassword({ ...a, passwordHash: undefined, password: 'p' } as VaspAccount, 'p'), true);
  });

  it('validates the mm7 section', () => {
    const base: ConfigInput = { mm7: { enabled: true, vasps: [{ vaspId: 'a', user: 'a', password: 'pw' }] } };
    assert.equal(parseConfig(base).mm7.vasps[0]!.version, 'REL-6-MM7-1-4');
    assert.throws(() => parseConfig({ mm7: { enabled: true } }), /mm7\.vasps: at least one VASP/);
    assert.throws(() => parseConfig({ mm7: { vasps: [{ vaspId: 'a', user: 'a' }] } }), /mm7\.vasps\.0\.password|mm7\.vasps\[0\]\.password/);
    assert.throws(() => parseConfig({ mm7: { vasps: [{ vaspId: 'a', user: 'a', password: 'x' }, { vaspId: 'a', user: 'b', password: 'y' }] } }), /used by another VASP/);
    assert.throws(() => parseConfig({ mm7: { vasps: [{ vaspId: 'a', user: 'a', passwordHash: 'plain' }] } }), /scrypt/);
  });
});
