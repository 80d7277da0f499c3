/**
 * The gateway with the REST API on its own listener, as one process, for tests that kill it
 * with SIGKILL: `node --import tsx test/web/api/gateway-process.ts <config.yaml>`. Listens on
 * web.host:web.port and prints `ready` on stdout. (Until the web server serves the API inside
 * `mmsgw run`, this is how the API meets a killable gateway.)
 */
import Fastify from 'fastify';
import { Gateway } from '../../../src/app/gateway.js';
import { createSendService } from '../../../src/app/send.js';
import { loadConfig } from '../../../src/config/index.js';
import { apiPlugin } from '../../../src/web/api/index.js';

const [configPath] = process.argv.slice(2);
const config = loadConfig(configPath, process.env);
const gw = await Gateway.start({ config });
const app = Fastify();
await app.register(apiPlugin, {
  prefix: '/api/v1',
  store: gw.store,
  send: createSendService(config, gw.ctx),
  status: { modem: () => gw.modemStatus() },
  rateLimit: config.api.rateLimit,
  maxBodyBytes: config.api.maxBodyBytes,
});
await app.listen({ host: config.web.host, port: config.web.port });
process.stdout.write('ready\n');
const stop = async (): Promise<void> => {
  await app.close();
  await gw.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
