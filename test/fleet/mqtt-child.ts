/** A bridge in its own process, for the last-will test: prints "connected" once on the broker. */
import { openStore } from '../../src/store/index.js';
import { MqttBridge } from '../../src/mqtt/bridge.js';
import { silentLogger } from '../../src/util/log.js';

const [url, dir] = process.argv.slice(2) as [string, string];
const store = openStore({ stateDir: dir });
const bridge = new MqttBridge({
  url,
  clientId: 'mmsgw-will',
  box: 'will',
  prefix: 'mmsgw/will',
  homeAssistant: undefined,
  apiBaseUrl: '',
  stateIntervalMs: 60_000,
  store,
  send: { send: () => Promise.reject(new Error('no sending here')) },
  modemStatus: () => undefined,
  log: silentLogger,
  version: 'test',
  reconnectPeriodMs: 200,
});
const t = setInterval(() => {
  if (bridge.connected) {
    clearInterval(t);
    process.stdout.write('connected\n');
  }
}, 20);
