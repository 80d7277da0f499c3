import { AtError } from '../at/index.js';
import { BearerError } from './errors.js';
import { dataCommand, okCommand, waitUrc, type DriverContext, type ModemExchange } from './modem-http.js';

/** HTTPREAD window: the body comes in slices so a 5 MB message never sits in one AT answer. */
const READ_WINDOW = 64 * 1024;

/**
 * SIMCom SIM800/SIM7x00 HTTP stack: AT+HTTPINIT, AT+HTTPPARA ("CID", "URL", "PROIP"/"PROPORT"
 * for the WAP proxy, "CONTENT", "USERDATA" for extra headers, lines separated by "\r\n"),
 * AT+HTTPDATA (DOWNLOAD, then the body), AT+HTTPACTION → +HTTPACTION: <method>,<status>,<len>,
 * AT+HTTPREAD=<start>,<size> → +HTTPREAD: <n> then n octets, AT+HTTPTERM.
 */
export async function simcomExchange(d: DriverContext): Promise<ModemExchange> {
  const { tx, req, proxy } = d;
  try {
    await tx.run(okCommand('AT+HTTPINIT'));
  } catch {
    // A stack left initialised by an interrupted exchange: reset it once.
    await tx.run(okCommand('AT+HTTPTERM')).catch(() => undefined);
    await tx.run(okCommand('AT+HTTPINIT')).catch((e: unknown) => { throw mapAtError(e); });
  }
  try {
    await tx.run(okCommand(`AT+HTTPPARA="CID",${d.cid}`));
    await tx.run(okCommand(`AT+HTTPPARA="URL","${quote(req.url)}"`));
    if (proxy) {
      await tx.run(okCommand(`AT+HTTPPARA="PROIP","${proxy.host}"`));
      await tx.run(okCommand(`AT+HTTPPARA="PROPORT",${proxy.port}`));
    }
    const headers = Object.entries(req.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'content-type');
    if (req.closeConnection) headers.push(['Connection', 'close']);
    if (headers.length > 0) await tx.run(okCommand(`AT+HTTPPARA="USERDATA","${headers.map(([k, v]) => quote(`${k}: ${v}`)).join('\\r\\n')}"`));
    const ct = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    if (ct) await tx.run(okCommand(`AT+HTTPPARA="CONTENT","${quote(ct)}"`));
    if (req.method === 'POST') {
      const body = Buffer.from(req.body ?? new Uint8Array());
      await tx.run(dataCommand(tx, `AT+HTTPDATA=${body.length},30000`, body, { trigger: 'DOWNLOAD', timeoutMs: 35_000 }));
    }
    const done = waitUrc(d.channel, '+HTTPACTION', d.timeoutMs + 5_000);
    await tx.run(okCommand(`AT+HTTPACTION=${req.method === 'GET' ? 0 : 1}`)).catch((e: unknown) => { done.cancel(); throw e; });
    const [, statusText = '', lenText = '0'] = (await done.promise).split(',').map((s) => s.trim());
    const status = Number(statusText);
    if (status >= 600) throw simcomError(status, proxy !== undefined);
    const len = Number(lenText);
    if (len > d.maxBytes) throw new BearerError('BEARER_TOO_LARGE', `response of ${len} bytes exceeds the limit of ${d.maxBytes}`, { details: { declared: len } });
    const chunks: Buffer[] = [];
    let got = 0;
    while (got < len) {
      const want = Math.min(READ_WINDOW, len - got);
      const slice = await tx.run<Buffer>({
        text: `AT+HTTPREAD=${got},${want}`,
        prefixes: ['+HTTPREAD:'],
        timeoutMs: 30_000,
        rawAfter: (line) => (line.startsWith('+HTTPREAD:') ? Number(line.slice(10).trim()) : undefined),
        parse: (r) => Buffer.concat(r.raw),
      });
      if (slice.length === 0) break;
      if (d.sink) await d.sink(slice);
      else chunks.push(slice);
      got += slice.length;
    }
    if (got !== len) throw new BearerError('BEARER_TRUNCATED', `the modem returned ${got} of ${len} bytes`, { details: { bytes: got, declared: len } });
    return { status, body: Buffer.concat(chunks), bytes: got, contentType: '' };
  } catch (e) {
    throw mapAtError(e);
  } finally {
    await tx.run(okCommand('AT+HTTPTERM')).catch(() => undefined);
  }
}

function quote(s: string): string {
  return s.replace(/"/g, "'").replace(/[\r\n]/g, ' ');
}

/** SIMCom HTTPACTION status codes beyond HTTP: 601 network error, 602 no memory, 603 DNS error, 604 stack busy. */
export function simcomError(code: number, viaProxy: boolean): BearerError {
  const details = { modemError: code };
  if (code === 603) return new BearerError('BEARER_DNS', `modem HTTP stack: DNS error (${code})`, { details });
  if (code === 601) {
    return viaProxy
      ? new BearerError('BEARER_PROXY_REFUSED', `modem could not reach the MMS proxy (${code})`, { details })
      : new BearerError('BEARER_NO_ROUTE', `modem could not reach the MMSC (${code})`, { details });
  }
  return new BearerError('BEARER_IO', `modem HTTP stack error ${code}`, { details });
}

function mapAtError(e: unknown): unknown {
  if (e instanceof AtError) {
    if (e.code === 'AT_TIMEOUT') return new BearerError('BEARER_TIMEOUT', e.message, { cause: e });
    return new BearerError('BEARER_IO', e.message, { cause: e });
  }
  return e;
}
