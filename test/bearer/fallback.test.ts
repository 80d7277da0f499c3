import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FallbackBearer } from '../../src/bearer/fallback.js';
import { BearerError, type BearerErrorCode } from '../../src/bearer/errors.js';
import type { Bearer, BearerKind, HttpResponse } from '../../src/bearer/types.js';

function fake(kind: BearerKind, behaviour: { openFails?: BearerErrorCode; requestFails?: BearerErrorCode[] }, log: string[]): Bearer {
  return {
    kind,
    open: () => {
      log.push(`open ${kind}`);
      if (behaviour.openFails) return Promise.reject(new BearerError(behaviour.openFails, `${kind} cannot open`));
      const fails = [...(behaviour.requestFails ?? [])];
      return Promise.resolve({
        kind,
        request: (): Promise<HttpResponse> => {
          log.push(`request ${kind}`);
          const f = fails.shift();
          if (f) return Promise.reject(new BearerError(f, `${kind}: ${f}`));
          return Promise.resolve({ status: 200, statusText: 'OK', headers: {}, contentType: '', bytes: 0, body: new Uint8Array() });
        },
        close: () => { log.push(`close ${kind}`); return Promise.resolve(); },
      });
    },
  };
}

test('an interface without a route falls back to modem-http, with the diagnosis kept', async () => {
  const log: string[] = [];
  const fb = new FallbackBearer([fake('interface', { requestFails: ['BEARER_NO_ROUTE'] }, log), fake('modem-http', {}, log)]);
  const s = await fb.open();
  const r = await s.request({ method: 'GET', url: 'http://mmsc/x' });
  assert.equal(r.status, 200);
  assert.equal(s.kind, 'modem-http');
  await s.request({ method: 'GET', url: 'http://mmsc/y' });
  await s.close();
  assert.deepEqual(log, ['open interface', 'request interface', 'close interface', 'open modem-http', 'request modem-http', 'request modem-http', 'close modem-http']);
  assert.deepEqual(fb.diagnoses.map((d) => [d.kind, d.code]), [['interface', 'BEARER_NO_ROUTE']]);
});

test('all bearers failing gives the configured bearer\'s code and every diagnosis', async () => {
  const log: string[] = [];
  const fb = new FallbackBearer([fake('interface', { openFails: 'BEARER_NO_CONTEXT' }, log), fake('modem-http', { requestFails: ['BEARER_PROXY_REFUSED'] }, log)]);
  const s = await fb.open();
  await assert.rejects(s.request({ method: 'GET', url: 'http://mmsc/x' }), (e: unknown) => {
    assert.ok(e instanceof BearerError);
    assert.equal(e.code, 'BEARER_NO_CONTEXT');
    assert.match(e.message, /interface: .*modem-http: /);
    assert.equal((e.details.diagnoses as unknown[]).length, 2);
    return true;
  });
});

test('once a bearer carried a request, its later failures are not hidden by a fallback', async () => {
  const log: string[] = [];
  const fb = new FallbackBearer([fake('interface', { requestFails: [undefined as never, 'BEARER_TIMEOUT'] }, log), fake('modem-http', {}, log)]);
  const s = await fb.open();
  await s.request({ method: 'GET', url: 'http://mmsc/x' });
  await assert.rejects(s.request({ method: 'GET', url: 'http://mmsc/x' }), { code: 'BEARER_TIMEOUT' });
  assert.ok(!log.includes('open modem-http'));
});

test('errors that are not about reachability (too large) are not retried elsewhere', async () => {
  const log: string[] = [];
  const fb = new FallbackBearer([fake('interface', { requestFails: ['BEARER_TOO_LARGE'] }, log), fake('modem-http', {}, log)]);
  const s = await fb.open();
  await assert.rejects(s.request({ method: 'GET', url: 'http://mmsc/x' }), { code: 'BEARER_TOO_LARGE' });
  assert.ok(!log.includes('open modem-http'));
});
