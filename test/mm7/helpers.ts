/**
 * MM7 test helpers: the assembled gateway (test/helpers/e2e.ts) with MM7 enabled for one VASP
 * whose endpoint is the VASP simulator, the box's MM7 plugin on a fastify instance of the
 * test's own, and an independent check of every SOAP message with python3's xml.etree against
 * the element sequences of the 23.140 schemas (REL-5-MM7-1-2, REL-6-MM7-1-4), written out
 * here from the specification rather than taken from the code under test.
 */
import { spawnSync } from 'node:child_process';
import Fastify, { type FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { ConfigInput } from '../../src/config/index.js';
import { freePort } from '../../src/demo/environment.js';
import { startVaspSim, type VaspSim } from '../../src/sim/vasp/index.js';
import { startE2e, type E2eEnv, type E2eOptions } from '../helpers/e2e.js';

export const NS5 = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-2';
export const NS6 = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
export const VASP = { vaspId: 'shop', vasId: 'photos', user: 'shop', password: 'shop-secret-1' } as const;

export interface Mm7Env {
  readonly e2e: E2eEnv;
  readonly vasp: VaspSim;
  readonly boxUrl: string;
  /** (Re)starts the box's MM7 endpoint for the running gateway. */
  startBox(): Promise<void>;
  stopBox(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMm7(o: E2eOptions & { vaspVersion?: 'REL-5-MM7-1-2' | 'REL-6-MM7-1-4'; maxRequestBytes?: number; withoutVasId?: boolean } = {}): Promise<Mm7Env> {
  const boxPort = await freePort();
  const boxUrl = `http://127.0.0.1:${boxPort}/mm7`;
  const vasp = await startVaspSim({ ...VASP, boxUrl, inbound: { user: 'box', password: 'box-secret' } });
  let e2e: E2eEnv;
  try {
    e2e = await startE2e({
      reportDelayMs: 100,
      ...o,
      configure: (c: ConfigInput) => {
        const base = o.configure ? o.configure(c) : c;
        return {
          ...base,
          mm7: {
            enabled: true,
            retry: { initialSeconds: 1, maxSeconds: 2, maxAttempts: 5 },
            ...(o.maxRequestBytes ? { maxRequestBytes: o.maxRequestBytes } : {}),
            vasps: [{ ...VASP, ...(o.withoutVasId ? { vasId: null } : {}), url: vasp.url, urlUser: 'box', urlPassword: 'box-secret', version: o.vaspVersion ?? 'REL-6-MM7-1-4' }],
          },
        };
      },
    });
  } catch (e) {
    await vasp.stop();
    throw e;
  }
  let app: FastifyInstance | undefined;
  const env: Mm7Env = {
    e2e,
    vasp,
    boxUrl,
    async startBox() {
      await env.stopBox();
      const wiring = e2e.gateway.mm7;
      if (!wiring) throw new Error('mm7 is not enabled in the gateway');
      app = Fastify({ logger: false });
      // As the web listener registers its plugins: { prefix, plugin } (src/web/server.ts).
      await app.register(wiring.webPlugin.plugin, { prefix: wiring.webPlugin.prefix });
      await app.listen({ host: '127.0.0.1', port: boxPort });
    },
    async stopBox() {
      const a = app;
      app = undefined;
      await a?.close();
    },
    async stop() {
      await env.stopBox().catch(() => undefined);
      await e2e.stop();
      await vasp.stop();
    },
  };
  try {
    await env.startBox();
  } catch (e) {
    // Nothing may stay behind: a running gateway would keep the test file from ending.
    await env.stop().catch(() => undefined);
    throw e;
  }
  return env;
}

export async function withMm7<T>(o: Parameters<typeof startMm7>[0], fn: (env: Mm7Env) => Promise<T>): Promise<T> {
  const env = await startMm7(o);
  try {
    return await fn(env);
  } finally {
    await env.stop();
  }
}

/** A real JPEG (decodable by any viewer), distinct per seed. */
export async function jpeg(width: number, height: number, seed: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * Element sequences of the MM7 operations (3GPP TS 23.140, schemas REL-5-MM7-1-2 and
 * REL-6-MM7-1-4): every child must appear in this order, and the `required` ones must exist.
 */
const SCHEMA = {
  SubmitRsp: { order: ['MM7Version', 'Status', 'MessageID'], required: ['MM7Version', 'Status'] },
  CancelRsp: { order: ['MM7Version', 'Status'], required: ['MM7Version', 'Status'] },
  ReplaceRsp: { order: ['MM7Version', 'Status'], required: ['MM7Version', 'Status'] },
  RSErrorRsp: { order: ['MM7Version', 'Status'], required: ['MM7Version', 'Status'] },
  DeliverReq5: {
    order: ['MM7Version', 'MMSRelayServerID', 'LinkedID', 'Sender', 'Recipients', 'TimeStamp', 'ReplyChargingID', 'Priority', 'Subject', 'Content'],
    required: ['MM7Version', 'Sender'],
  },
  DeliverReq6: {
    order: ['MM7Version', 'MMSRelayServerID', 'VASPID', 'VASID', 'LinkedID', 'Sender', 'Recipients', 'Previouslysentby', 'Previouslysentdateandtime', 'SenderSPI', 'RecipientSPI', 'TimeStamp', 'ReplyChargingID', 'Priority', 'Subject', 'ApplicID', 'ReplyApplicID', 'AuxApplicInfo', 'UACapabilities', 'Content'],
    required: ['MM7Version', 'Sender'],
  },
  DeliveryReportReq5: {
    order: ['MM7Version', 'MMSRelayServerID', 'MessageID', 'Recipient', 'Sender', 'Date', 'MMStatus', 'StatusText'],
    required: ['MM7Version', 'MessageID', 'Recipient', 'Sender', 'Date', 'MMStatus'],
  },
  DeliveryReportReq6: {
    order: ['MM7Version', 'MMSRelayServerID', 'MessageID', 'Recipient', 'Sender', 'Date', 'MMStatus', 'MMStatusExtension', 'StatusText', 'ApplicID', 'ReplyApplicID', 'AuxApplicInfo', 'UACapabilities'],
    required: ['MM7Version', 'MessageID', 'Recipient', 'Sender', 'Date', 'MMStatus'],
  },
  ReadReplyReq5: {
    order: ['MM7Version', 'MMSRelayServerID', 'MessageID', 'Recipient', 'Sender', 'TimeStamp', 'MMStatus', 'StatusText'],
    required: ['MM7Version', 'MessageID', 'Recipient', 'Sender', 'TimeStamp', 'MMStatus'],
  },
  ReadReplyReq6: {
    order: ['MM7Version', 'MMSRelayServerID', 'MessageID', 'Recipient', 'Sender', 'TimeStamp', 'MMStatus', 'MMStatusExtension', 'StatusText', 'ApplicID', 'ReplyApplicID', 'AuxApplicInfo'],
    required: ['MM7Version', 'MessageID', 'Recipient', 'Sender', 'TimeStamp', 'MMStatus'],
  },
  Status: { order: ['StatusCode', 'StatusText', 'Details'], required: ['StatusCode', 'StatusText'] },
} as const;

const PY_CHECK = String.raw`
import sys, json, datetime
import xml.etree.ElementTree as ET
args = json.loads(sys.argv[1])
SOAP = 'http://schemas.xmlsoap.org/soap/envelope/'
errors = []
def local(tag): return tag.split('}', 1)[1] if tag.startswith('{') else tag
def ns(tag): return tag[1:].split('}', 1)[0] if tag.startswith('{') else None
def check_seq(el, spec, where):
    names = [local(c.tag) for c in el]
    for c in el:
        if ns(c.tag) != args['ns']: errors.append('%s/%s not in namespace %s' % (where, local(c.tag), args['ns']))
    pos = -1
    for n in names:
        if n not in spec['order']: errors.append('%s: unexpected element %s' % (where, n)); continue
        i = spec['order'].index(n)
        if i < pos: errors.append('%s: %s out of order (%s)' % (where, n, names))
        pos = i
    for r in spec['required']:
        if r not in names: errors.append('%s: missing %s' % (where, r))
    return names
root = ET.fromstring(sys.stdin.buffer.read())
if root.tag != '{%s}Envelope' % SOAP: errors.append('root is %s' % root.tag)
header = root.find('{%s}Header' % SOAP)
tx = None
if header is not None:
    t = header.find('{%s}TransactionID' % args['ns'])
    if t is None: errors.append('no TransactionID in namespace')
    else:
        tx = t.text
        if t.get('{%s}mustUnderstand' % SOAP) != '1': errors.append('TransactionID without env:mustUnderstand="1"')
elif not args.get('fault'): errors.append('no Header')
body = root.find('{%s}Body' % SOAP)
op = list(body)[0] if body is not None and len(body) == 1 else None
out = {'tx': tx}
if op is None: errors.append('Body must hold exactly one element')
elif args.get('fault'):
    if op.tag != '{%s}Fault' % SOAP: errors.append('not a Fault: %s' % op.tag)
    code = op.find('faultcode'); string = op.find('faultstring'); detail = op.find('detail')
    if code is None or code.text not in ('env:Client', 'env:Server'): errors.append('faultcode %s' % (code.text if code is not None else None))
    if string is None or not string.text: errors.append('no faultstring')
    rsp = detail[0] if detail is not None and len(detail) else None
    if rsp is None or rsp.tag != '{%s}RSErrorRsp' % args['ns']: errors.append('detail holds no RSErrorRsp in the namespace')
    else:
        check_seq(rsp, args['specs']['RSErrorRsp'], 'RSErrorRsp')
        st = rsp.find('{%s}Status' % args['ns'])
        check_seq(st, args['specs']['Status'], 'Status')
        out['status'] = int(st.find('{%s}StatusCode' % args['ns']).text)
        out['faultcode'] = code.text if code is not None else None
else:
    if op.tag != '{%s}%s' % (args['ns'], args['op']): errors.append('body element %s, expected %s' % (op.tag, args['op']))
    out['elements'] = check_seq(op, args['specs'][args['spec']], args['op'])
    v = op.find('{%s}MM7Version' % args['ns'])
    out['version'] = v.text if v is not None else None
    st = op.find('{%s}Status' % args['ns'])
    if st is not None:
        check_seq(st, args['specs']['Status'], 'Status')
        out['status'] = int(st.find('{%s}StatusCode' % args['ns']).text)
    for name in ('TimeStamp', 'Date'):
        e = op.find('{%s}%s' % (args['ns'], name))
        if e is not None:
            try: datetime.datetime.fromisoformat(e.text.replace('Z', '+00:00'))
            except Exception: errors.append('%s is no xs:dateTime: %s' % (name, e.text))
    for name in ('MMStatus', 'MessageID', 'MMSRelayServerID', 'Subject'):
        e = op.find('{%s}%s' % (args['ns'], name))
        if e is not None: out[name] = e.text
    for name in ('Sender', 'Recipient'):
        e = op.find('{%s}%s' % (args['ns'], name))
        if e is not None:
            kids = list(e)
            if len(kids) != 1 or local(kids[0].tag) not in ('Number', 'ShortCode', 'RFC2822Address'): errors.append('%s is not an addressType' % name)
            else: out[name] = local(kids[0].tag) + ':' + kids[0].text
    c = op.find('{%s}Content' % args['ns'])
    if c is not None: out['href'] = c.get('href')
out['errors'] = errors
print(json.dumps(out))
`;

export interface PyResult {
  errors: string[];
  tx: string | null;
  status?: number;
  faultcode?: string;
  version?: string;
  elements?: string[];
  MMStatus?: string;
  MessageID?: string;
  Sender?: string;
  Recipient?: string;
  href?: string;
}

/** Checks a SOAP message with python3's xml.etree against the schema sequences above. */
export function pyCheck(xml: string, o: { ns: string; op?: string; spec?: keyof typeof SCHEMA; fault?: boolean }): PyResult {
  const args = { ns: o.ns, op: o.op, spec: o.spec ?? o.op, fault: o.fault ?? false, specs: SCHEMA };
  const r = spawnSync('python3', ['-c', PY_CHECK, JSON.stringify(args)], { input: xml });
  if (r.status !== 0) throw new Error(`python3 could not check the XML: ${r.stderr.toString()}\n${xml.slice(0, 2000)}`);
  return JSON.parse(r.stdout.toString('utf8')) as PyResult;
}
