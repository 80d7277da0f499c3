import { AtError } from '../at/index.js';
import { BearerError } from './errors.js';
import { dataCommand, okCommand, requestHead, waitUrc, type DriverContext, type ModemExchange } from './modem-http.js';

/**
 * Quectel EC2x/EG9x/BG96 HTTP(S) stack: AT+QHTTPCFG, AT+QHTTPURL, AT+QHTTPGET/QHTTPPOST,
 * AT+QHTTPREAD. With "requestheader" on, the host writes the request line and every header
 * itself (User-Agent, x-wap-profile, Content-Type of the MMS PDU); the WAP proxy is reached by
 * pointing the URL at the proxy and writing the absolute URI in the request line. Response
 * headers stay off, so QHTTPREAD returns exactly <content_length> body octets.
 */
export async function quectelExchange(d: DriverContext): Promise<ModemExchange> {
  const { tx, req, proxy } = d;
  const rspSecs = Math.max(1, Math.ceil(d.timeoutMs / 1000));
  await tx.run(okCommand(`AT+QHTTPCFG="contextid",${d.cid}`));
  await tx.run(okCommand('AT+QHTTPCFG="requestheader",1'));
  await tx.run(okCommand('AT+QHTTPCFG="responseheader",0'));
  const u = new URL(req.url);
  const url = proxy ? `http://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}/` : u.href;
  await tx.run(dataCommand(tx, `AT+QHTTPURL=${Buffer.byteLength(url)},30`, Buffer.from(url), { timeoutMs: 35_000 }));

  const body = Buffer.from(req.body ?? new Uint8Array());
  const head = Buffer.from(requestHead(req, proxy, body.length), 'latin1');
  const urcName = req.method === 'GET' ? '+QHTTPGET' : '+QHTTPPOST';
  const done = waitUrc(d.channel, urcName, d.timeoutMs + 5_000);
  try {
    if (req.method === 'GET') await tx.run(dataCommand(tx, `AT+QHTTPGET=${rspSecs},${head.length},30`, head, { timeoutMs: 35_000 }));
    else await tx.run(dataCommand(tx, `AT+QHTTPPOST=${head.length + body.length},30,${rspSecs}`, Buffer.concat([head, body]), { timeoutMs: 35_000 }));
  } catch (e) {
    done.cancel();
    throw mapAtError(e, proxy !== undefined);
  }
  // +QHTTPGET: <err>[,<httprspcode>[,<content_length>]]
  const [err = '', status = '', length = ''] = (await done.promise).split(',').map((s) => s.trim());
  if (err !== '0') throw quectelError(Number(err), proxy !== undefined);
  const len = length === '' ? 0 : Number(length);
  if (len > d.maxBytes) throw new BearerError('BEARER_TOO_LARGE', `response of ${len} bytes exceeds the limit of ${d.maxBytes}`, { details: { declared: len } });
  if (len === 0) return { status: Number(status), body: Buffer.alloc(0), bytes: 0, contentType: '' };

  const readDone = waitUrc(d.channel, '+QHTTPREAD', 10_000);
  const data = await tx.run<Buffer>({
    text: `AT+QHTTPREAD=${rspSecs}`,
    prefixes: [],
    timeoutMs: d.timeoutMs,
    rawAfter: (line) => (line.startsWith('CONNECT') ? len : undefined),
    parse: (r) => Buffer.concat(r.raw),
  }).catch((e: unknown) => {
    readDone.cancel();
    throw mapAtError(e, proxy !== undefined);
  });
  const readErr = Number((await readDone.promise).split(',')[0]);
  if (readErr !== 0 || data.length !== len) {
    throw new BearerError('BEARER_TRUNCATED', `the modem read ${data.length} of ${len} bytes (+QHTTPREAD: ${readErr})`, { details: { bytes: data.length, declared: len } });
  }
  // AT+QHTTPREAD has no range: the body arrives in one answer (bounded by maxBytes above).
  return { status: Number(status), body: data, bytes: data.length, contentType: '' };
}

/** Quectel HTTP error codes (HTTP(S) AT Commands Manual, "Summary of Error Codes"). */
export function quectelError(code: number, viaProxy: boolean): BearerError {
  const details = { modemError: code };
  if ([702, 722, 726, 727, 728].includes(code)) return new BearerError('BEARER_TIMEOUT', `modem HTTP stack timed out (${code})`, { details });
  if (code === 714) return new BearerError('BEARER_DNS', `modem HTTP stack: DNS error (${code})`, { details });
  if ([707, 708, 709].includes(code)) return new BearerError('BEARER_NO_CONTEXT', `modem HTTP stack: PDP context not usable (${code})`, { details });
  if (code === 716) {
    return viaProxy
      ? new BearerError('BEARER_PROXY_REFUSED', `modem could not connect to the MMS proxy (${code})`, { details })
      : new BearerError('BEARER_NO_ROUTE', `modem could not connect to the MMSC (${code})`, { details });
  }
  return new BearerError('BEARER_IO', `modem HTTP stack error ${code}`, { details });
}

function mapAtError(e: unknown, viaProxy: boolean): unknown {
  if (e instanceof AtError) {
    if (e.code === 'AT_CME_ERROR' && e.specCode !== undefined) return quectelError(e.specCode, viaProxy);
    if (e.code === 'AT_TIMEOUT') return new BearerError('BEARER_TIMEOUT', e.message, { cause: e });
    return new BearerError('BEARER_IO', e.message, { cause: e });
  }
  return e;
}
