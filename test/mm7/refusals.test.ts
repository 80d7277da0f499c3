/**
 * Every way the box refuses an MM7 request (3GPP TS 23.140 §8.7 status codes), each answered
 * with a SOAP Fault carrying an MM7 status in the request's namespace (or a SubmitRsp with the
 * status, for a well-formed request the box cannot carry out) — never a bare HTTP error or a
 * stack — and nothing queued. Answers are checked with python3's xml.etree.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REL5 } from '../../src/web/mm7/ns.js';
import { jpeg, NS5, NS6, pyCheck, startMm7, VASP, type Mm7Env } from './helpers.js';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';

function submitXml(o: { ns?: string; version?: string; tx?: string | null; vaspId?: string; vasId?: string; to?: string; body?: string } = {}): string {
  const ns = o.ns ?? NS6;
  const header = o.tx === null ? '' : `<env:Header><mm7:TransactionID xmlns:mm7="${ns}" env:mustUnderstand="1">${o.tx ?? 'tx-1'}</mm7:TransactionID></env:Header>`;
  return `<?xml version="1.0"?><env:Envelope xmlns:env="${SOAP}">${header}<env:Body>${
    o.body ??
    `<SubmitReq xmlns="${ns}"><MM7Version>${o.version ?? '6.8.0'}</MM7Version><SenderIdentification><VASPID>${o.vaspId ?? VASP.vaspId}</VASPID><VASID>${o.vasId ?? VASP.vasId}</VASID></SenderIdentification><Recipients><To>${o.to ?? '<Number>+15550200123</Number>'}</To></Recipients><Subject>hi</Subject></SubmitReq>`
  }</env:Body></env:Envelope>`;
}

describe('MM7 refusals', { timeout: 120_000 }, () => {
  let env: Mm7Env;
  const auth = { user: VASP.user, password: VASP.password };
  before(async () => {
    env = await startMm7({ maxRequestBytes: 64 * 1024, reportDelayMs: undefined });
  });
  after(async () => {
    const out = env.e2e.gateway.store.messages.list({ direction: 'out' });
    const sent = env.e2e.mmscSim.sent().length;
    await env.stop();
    assert.equal(out.length, 0, 'no refused request queued a message');
    assert.equal(sent, 0);
  });

  const fault = (xml: string, ns = NS6) => {
    const py = pyCheck(xml, { ns, fault: true });
    assert.deepEqual(py.errors, [], xml);
    return py;
  };

  it('no credentials: 401 with a Basic challenge and status 4001; the body is not read', async () => {
    const r = await env.vasp.post(submitXml(), 'text/xml', null);
    assert.equal(r.httpStatus, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    assert.equal(fault(r.xml).status, 4001);
    // A body over the size limit is refused as unauthorised, not as too large: nothing was read.
    const big = await env.vasp.post(Buffer.alloc(200 * 1024, 0x41), 'text/xml', null);
    assert.equal(big.httpStatus, 401);
  });

  it('a wrong password or unknown user: 401, status 4001', async () => {
    for (const a of [{ user: VASP.user, password: 'wrong' }, { user: 'nobody', password: VASP.password }]) {
      const r = await env.vasp.post(submitXml(), 'text/xml', a);
      assert.equal(r.httpStatus, 401);
      assert.equal(fault(r.xml).status, 4001);
    }
  });

  it('a VASPID or VASID not belonging to the credentials: status 4001 in the namespace of the request', async () => {
    for (const xml of [submitXml({ vaspId: 'other' }), submitXml({ vasId: 'other' }), submitXml({ ns: NS5, version: '5.3.0', vaspId: 'other' })]) {
      const r = await env.vasp.post(xml, 'text/xml', auth);
      assert.equal(r.httpStatus, 403);
      const ns = xml.includes(NS5) ? NS5 : NS6;
      const py = fault(r.xml, ns);
      assert.equal(py.status, 4001);
      assert.equal(py.tx, 'tx-1', 'the fault echoes the TransactionID');
    }
  });

  it('XML that is not well-formed, a DOCTYPE, or no SOAP envelope: status 2007, faultcode Client', async () => {
    const cases = [
      submitXml().replace('</Subject>', ''),
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${submitXml().slice(21)}`,
      '<Envelope><Body/></Envelope>',
      'not xml at all',
      '',
    ];
    for (const xml of cases) {
      const r = await env.vasp.post(xml, 'text/xml', auth);
      assert.equal(r.httpStatus, 500, xml);
      const py = fault(r.xml);
      assert.equal(py.status, 2007, xml);
      assert.equal(py.faultcode, 'env:Client');
      assert.doesNotMatch(r.xml, /at [\w.]+ \(|node_modules|\.ts:\d+/, 'no stack trace');
    }
  });

  it('an unknown MM7 namespace or a version of another release: status 4002', async () => {
    const old = submitXml({ ns: 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-0' });
    const r1 = await env.vasp.post(old, 'text/xml', auth);
    assert.equal(fault(r1.xml).status, 4002);
    const r2 = await env.vasp.post(submitXml({ ns: NS5, version: '6.8.0' }), 'text/xml', auth);
    assert.equal(fault(r2.xml, NS5).status, 4002);
  });

  it('no TransactionID, or an operation the box does not offer: 4004 / 4003', async () => {
    const r1 = await env.vasp.post(submitXml({ tx: null }), 'text/xml', auth);
    assert.equal(fault(r1.xml).status, 4004);
    const deliver = `<DeliverReq xmlns="${NS6}"><MM7Version>6.8.0</MM7Version><Sender><Number>+15550000001</Number></Sender></DeliverReq>`;
    const r2 = await env.vasp.post(submitXml({ body: deliver }), 'text/xml', auth);
    assert.equal(fault(r2.xml).status, 4003);
  });

  it('a recipient that is not a telephone number: SubmitRsp with status 2002, nothing queued', async () => {
    for (const to of ['<RFC2822Address>a@example.com</RFC2822Address>', '<Number>not-a-number</Number>', '<ShortCode>12345</ShortCode>', '<Number>+1</Number>']) {
      const r = await env.vasp.post(submitXml({ to }), 'text/xml', auth);
      assert.equal(r.httpStatus, 200, to);
      const py = pyCheck(r.xml, { ns: NS6, op: 'SubmitRsp' });
      assert.deepEqual(py.errors, []);
      assert.equal(py.status, 2002, to);
      assert.equal(py.MessageID, undefined);
    }
    const viaSim = await env.vasp.submit({ to: ['a@example.com'], addressKind: 'RFC2822Address', parts: [{ contentType: 'text/plain', body: Buffer.from('x') }], release: REL5 });
    assert.equal(viaSim.status.code, 2002);
    assert.equal(viaSim.namespace, NS5);
  });

  it('another HTTP method than POST: 405 with status 4003', async () => {
    const res = await fetch(env.boxUrl, { headers: { authorization: `Basic ${Buffer.from(`${VASP.user}:${VASP.password}`).toString('base64')}` } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal(fault(await res.text()).status, 4003);
  });

  it('a request over mm7.maxRequestBytes: HTTP 413 with status 2004', async () => {
    const r = await env.vasp.submit({ to: ['+15550200123'], parts: [{ contentType: 'image/jpeg', body: Buffer.concat([await jpeg(16, 16, 1), Buffer.alloc(80 * 1024)]) }] });
    assert.equal(r.httpStatus, 413);
    assert.equal(r.status.code, 2004);
    assert.equal(r.fault, true);
  });

  it('broken attachments: a missing close delimiter, a dangling cid: reference, an unusable image', async () => {
    const xml = submitXml({ body: `<SubmitReq xmlns="${NS6}"><MM7Version>6.8.0</MM7Version><SenderIdentification><VASPID>shop</VASPID><VASID>photos</VASID></SenderIdentification><Recipients><To><Number>+15550200123</Number></To></Recipients><Content href="cid:nothere"/></SubmitReq>` });
    const truncated = `--b1\r\nContent-Type: text/xml\r\nContent-ID: <s>\r\n\r\n${xml}\r\n--b1\r\nContent-Type: image/jpeg\r\nContent-ID: <img>\r\n\r\nabc`;
    const r1 = await env.vasp.post(truncated, 'multipart/related; boundary=b1; type="text/xml"; start="<s>"', auth);
    assert.equal(fault(r1.xml).status, 2007);
    const whole = `${truncated}\r\n--b1--\r\n`;
    const r2 = await env.vasp.post(whole, 'multipart/related; boundary=b1; type="text/xml"; start="<s>"', auth);
    assert.equal(fault(r2.xml).status, 4004);
    const r3 = await env.vasp.post(whole.replace('cid:nothere', 'cid:img'), 'multipart/related; boundary=b1; type="text/xml"; start="<s>"', auth);
    assert.equal(r3.httpStatus, 200);
    assert.equal(pyCheck(r3.xml, { ns: NS6, op: 'SubmitRsp' }).status, 2004, 'bytes that are no JPEG are refused as content');
    const r4 = await env.vasp.post(whole, 'application/json', auth);
    assert.equal(fault(r4.xml).status, 2007);
  });

  it('refused requests of an authenticated VASP are kept in quarantine with the reason', () => {
    const rows = env.e2e.gateway.store.db.prepare("SELECT source, error_code, message FROM quarantine WHERE source = 'mm7:shop'").all() as { error_code: string; message: string }[];
    assert.ok(rows.length >= 10, `${rows.length} quarantined`);
    assert.ok(rows.some((r) => r.error_code === 'MM7_2007' && /well-formed|Document Type/.test(r.message)));
    assert.ok(rows.some((r) => r.error_code === 'MM7_2002'));
  });
});
