import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpExchange } from '../../src/bearer/http.js';
import { BearerError } from '../../src/bearer/errors.js';

async function serve(handler: http.RequestListener): Promise<{ port: number; seen: { url: string; headers: http.IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mmsgw-bearer-'));
}

test('through a proxy the request-target is the absolute URI and Host names the MMSC', async (t) => {
  const s = await serve((_req, res) => res.end('ok'));
  t.after(() => s.close());
  const r = await httpExchange({ method: 'GET', url: 'http://mmsc.example.net:8002/mms/abc?x=1', headers: { 'User-Agent': 'ua' } }, { proxy: { host: '127.0.0.1', port: s.port } });
  assert.equal(r.status, 200);
  assert.equal(Buffer.from(r.body ?? []).toString(), 'ok');
  assert.equal(s.seen[0]?.url, 'http://mmsc.example.net:8002/mms/abc?x=1');
  assert.equal(s.seen[0]?.headers.host, 'mmsc.example.net:8002');
  assert.equal(s.seen[0]?.headers['user-agent'], 'ua');
});

test('without a proxy the request-target is origin-form', async (t) => {
  const s = await serve((_req, res) => res.end('ok'));
  t.after(() => s.close());
  await httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}/mms/r/1?q=2` });
  assert.equal(s.seen[0]?.url, '/mms/r/1?q=2');
});

test('a body streamed to a file arrives intact, chunked or not, and the caller owns the file', async (t) => {
  const payload = Buffer.alloc(300_000);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
  const s = await serve((req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.wap.mms-message; charset=x' });
      for (let off = 0; off < payload.length; off += 40_000) res.write(payload.subarray(off, off + 40_000));
      res.end();
    } else res.writeHead(200, { 'Content-Length': payload.length }).end(payload);
  });
  const dir = tmp();
  t.after(async () => { await s.close(); rmSync(dir, { recursive: true, force: true }); });
  for (const path of ['/plain', '/chunked']) {
    const r = await httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}${path}`, destDir: dir });
    assert.equal(r.body, undefined);
    assert.ok(r.file?.startsWith(dir));
    assert.equal(r.bytes, payload.length);
    assert.ok(readFileSync(r.file as string).equals(payload), path);
  }
  const chunkedRes = await httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}/chunked` });
  assert.equal(chunkedRes.contentType, 'application/vnd.wap.mms-message');
});

test('a declared or streamed body over maxBytes fails BEARER_TOO_LARGE (permanent) and leaves no file', async (t) => {
  const big = Buffer.alloc(50_000, 1);
  const s = await serve((req, res) => {
    if (req.url === '/declared') res.writeHead(200, { 'Content-Length': big.length }).end(big);
    else { res.writeHead(200); res.write(big); res.end(big); }
  });
  const dir = tmp();
  t.after(async () => { await s.close(); rmSync(dir, { recursive: true, force: true }); });
  for (const path of ['/declared', '/streamed']) {
    await assert.rejects(httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}${path}`, maxBytes: 40_000, destDir: dir }), (e: unknown) => {
      assert.ok(e instanceof BearerError);
      assert.equal(e.code, 'BEARER_TOO_LARGE');
      assert.equal(e.transient, false);
      return true;
    });
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(readdirSync(dir), []);
});

test('a connection closed mid-body fails BEARER_TRUNCATED (transient) and removes the partial file', async (t) => {
  const s = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Length': 10_000 });
    res.write(Buffer.alloc(4_000), () => res.socket?.destroy());
  });
  const dir = tmp();
  t.after(async () => { await s.close(); rmSync(dir, { recursive: true, force: true }); });
  await assert.rejects(httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}/x`, destDir: dir }), (e: unknown) => {
    assert.ok(e instanceof BearerError);
    assert.equal(e.code, 'BEARER_TRUNCATED');
    assert.equal(e.transient, true);
    return true;
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(readdirSync(dir), []);
});

test('silence and slowness end in BEARER_TIMEOUT', async (t) => {
  const s = await serve((req, res) => {
    if (req.url === '/slow') { res.writeHead(200, { 'Content-Length': 100 }); res.write('x'); }
  });
  t.after(() => s.close());
  const started = Date.now();
  await assert.rejects(httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}/hang`, timeoutMs: 300 }), { code: 'BEARER_TIMEOUT' });
  await assert.rejects(httpExchange({ method: 'GET', url: `http://127.0.0.1:${s.port}/slow`, idleTimeoutMs: 200 }), { code: 'BEARER_TIMEOUT' });
  assert.ok(Date.now() - started < 2_000);
});

test('a refused connection to the proxy is BEARER_PROXY_REFUSED; aborting is BEARER_ABORTED', async (t) => {
  const s = await serve(() => undefined);
  const port = s.port;
  await s.close();
  await assert.rejects(httpExchange({ method: 'GET', url: 'http://mmsc.example/x' }, { proxy: { host: '127.0.0.1', port } }), { code: 'BEARER_PROXY_REFUSED' });
  const s2 = await serve(() => undefined);
  t.after(() => s2.close());
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(httpExchange({ method: 'GET', url: `http://127.0.0.1:${s2.port}/`, signal: ac.signal }), { code: 'BEARER_ABORTED' });
});

test('POST sends the body with Content-Length and Connection: close when asked', async (t) => {
  let got = Buffer.alloc(0);
  const s = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { got = Buffer.concat(chunks); res.writeHead(204).end(); });
  });
  t.after(() => s.close());
  const body = Uint8Array.from([0x8c, 0x83, 0x98, 0x41, 0x00]);
  const r = await httpExchange({ method: 'POST', url: `http://127.0.0.1:${s.port}/mms`, body, closeConnection: true });
  assert.equal(r.status, 204);
  assert.deepEqual([...got], [...body]);
  assert.equal(s.seen[0]?.headers['content-length'], '5');
  assert.equal(s.seen[0]?.headers.connection, 'close');
});
