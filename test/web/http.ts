import { request } from 'node:http';

export interface Resp {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly text: string;
}

/** One raw HTTP request (node:http, so every header — Host, Origin, Sec-Fetch-* — is as given). */
export function http(url: string, o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Resp> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = request(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: o.method ?? 'GET', headers: { ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    r.on('error', reject);
    if (o.body !== undefined) r.write(o.body);
    r.end();
  });
}

export const form = (fields: Record<string, string>): { body: string; headers: Record<string, string> } => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/** The session cookie from a Set-Cookie header, as a Cookie header value. */
export function cookieOf(r: Resp): string | undefined {
  const set = r.headers['set-cookie'];
  const list = Array.isArray(set) ? set : set ? [set] : [];
  const c = list.find((x) => /mmsgw_session=/.test(x));
  return c?.split(';')[0];
}

export function setCookieHeader(r: Resp): string {
  const set = r.headers['set-cookie'];
  return (Array.isArray(set) ? set : set ? [set] : []).join('\n');
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /_csrf=([A-Za-z0-9_%-]+)/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return decodeURIComponent(m[1]);
}
