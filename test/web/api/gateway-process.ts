/**
 * The gateway with the REST API on its own listener, as one process, for tests that kill it
 * with SIGKILL: `node --import tsx test/web/api/gateway-process.ts <config.yaml>`. Listens on
 * web.host:web.port and prints `ready` on stdout. (Until the web server serves the API inside
 * `mmsgw run`, this is how the API meets a killable gateway.)
 */
import Fastify from 'fastify';
import { Gateway } from '../../../src/app/gateway.js';
import { apiWebPlugin } from '../../../src/app/api.js';
import { loadConfig } from '../../../src/config/index.js';

const [configPath] = process.argv.slice(2);
const config = loadConfig(configPath, process.env);
const gw = await Gateway.start({ config });
const app = Fastify();
const api = apiWebPlugin(config, gw);
if (!api) throw new Error('api.enabled is false');
await app.register(api.plugin, { prefix: api.prefix });
await app.listen({ host: config.web.host, port: config.web.port });
process.stdout.write('ready\n');
const stop = async (): Promise<void> => {
  await app.close();
  await gw.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
