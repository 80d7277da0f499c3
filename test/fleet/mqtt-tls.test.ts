import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMqtt } from '../../src/app/mqtt.js';
import { demoConfigInput, parseConfig } from '../../src/config/index.js';
import { openStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';
import { waitUntil } from '../helpers/e2e.js';
import { Broker, MOSQUITTO, SKIP_REASON } from './mosquitto.js';

/**
 * `mqtt:` with TLS and credentials, from the configuration through app/mqtt.ts, against a
 * Mosquitto that requires both (certificates made with openssl, the password file with
 * mosquitto_passwd). Wrong credentials or an untrusted CA never get the box online.
 */
const PASSWORD = 'broker-secret-123';
const openssl = (dir: string, ...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

function pki(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=mmsgw test CA');
  openssl(dir, 'req', ...ec, '-keyout', 'other-ca.key', '-x509', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=someone else');
  openssl(dir, 'req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  execFileSync('mosquitto_passwd', ['-c', '-b', join(dir, 'passwd'), 'box', PASSWORD], { stdio: 'ignore' });
}

test('mqtts with a CA file and a password: online; wrong password or CA: not', { skip: MOSQUITTO ? false : SKIP_REASON, timeout: 90_000 }, async () => {
  const certs = mkdtempSync(join(tmpdir(), 'mmsgw-pki-'));
  pki(certs);
  const broker = await Broker.start(() => [
    `cafile ${join(certs, 'ca.pem')}`,
    `certfile ${join(certs, 'server.pem')}`,
    `keyfile ${join(certs, 'server.key')}`,
    'allow_anonymous false',
    `password_file ${join(certs, 'passwd')}`,
  ]);
  const state = mkdtempSync(join(tmpdir(), 'mmsgw-mqtt-tls-'));
  const store = openStore({ stateDir: state });
  const run = async (password: string, ca: string): Promise<boolean> => {
    const config = parseConfig({
      ...demoConfigInput(),
      stateDir: state,
      mqtt: { enabled: true, url: `mqtts://127.0.0.1:${broker.port}`, username: 'box', password, tls: { ca: join(certs, ca) }, box: 'tls', homeAssistant: { enabled: false } },
    });
    const bridge = startMqtt(config, { store, send: { send: () => Promise.reject(new Error('unused')) }, modemStatus: () => undefined, log: silentLogger, reconnectPeriodMs: 200 });
    assert.ok(bridge);
    try {
      await waitUntil(() => bridge.connected, 4000, 'connected');
      return true;
    } catch {
      return false;
    } finally {
      await bridge.stop();
    }
  };
  try {
    assert.equal(await run(PASSWORD, 'ca.pem'), true, 'right CA and password');
    assert.equal(await run('wrong-password-1', 'ca.pem'), false, 'wrong password');
    assert.equal(await run(PASSWORD, 'other-ca.pem'), false, 'a CA that did not sign the broker');
  } finally {
    store.close();
    rmSync(state, { recursive: true, force: true });
    rmSync(certs, { recursive: true, force: true });
    await broker.close();
  }
});
