import { parseArgs } from 'node:util';
import type { CliCommand } from '../registry.js';
import { loadConfigIsolated } from '../../config/isolated.js';
import { envWithSecrets } from '../../config/secrets-path.js';
import { resolve } from 'node:path';
import { rootLogger } from '../../util/log.js';

const usage = `usage: mmsgw run [--config FILE] [--secrets FILE]

Runs the gateway as a service with the configuration in FILE (YAML; see
config/mmsgw.example.yaml). Secrets may come from the environment (MMSGW_SMTP_PASSWORD,
MMSGW_IMAP_PASSWORD, MMSGW_SIM_PIN, MMSGW_WEB_PASSWORD), and from --secrets FILE or the
secrets.env that \`mmsgw setup\` wrote beside the configuration, when readable (the
environment wins). Refuses a configuration that sets nothing or leaves received messages
nowhere to go. Stops cleanly on SIGTERM/SIGINT.

  -c, --config FILE  the configuration (default $MMSGW_CONFIG)
  --secrets FILE     an env file of secrets (default: secrets.env beside the configuration)

Logs go to stderr: readable lines on a terminal, JSON lines with journald priorities under
systemd (MMSGW_LOG_FORMAT=pretty|journal|json overrides; MMSGW_LOG_LEVEL sets the level).`;

export const command: CliCommand = {
  summary: 'run the gateway as a service',
  usage,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, secrets: { type: 'string' } } });
    const path = values.config ?? process.env.MMSGW_CONFIG;
    if (!path) {
      console.error(`mmsgw run: a configuration file is required (--config FILE); \`mmsgw demo\` runs without one\n\n${usage}`);
      return 2;
    }
    // Validated in a process of its own that has ended before the gateway starts: the
    // configuration layer (yaml, zod, the schemas) never loads into this long-running process
    // (src/config/isolated.ts). The gateway's modules load after it, so the two processes'
    // memory does not add up at start, and a refused configuration is said sooner.
    const env = envWithSecrets(resolve(path), process.env, values.secrets === undefined ? undefined : resolve(values.secrets)).env;
    const { config } = await loadConfigIsolated(path, env, { startup: true });
    rootLogger({ level: process.env.MMSGW_LOG_LEVEL ?? config.logLevel });
    const { Gateway } = await import('../../app/gateway.js');
    const gateway = await Gateway.start({ config });
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await gateway.stop();
    return 0;
  },
};
