/**
 * Configuration: one YAML file validated with zod at start-up; environment variables for
 * secrets. See docs/CONFIG.md and config/mmsgw.example.yaml.
 */
export { loadConfig, loadConfigDetailed, parseConfig, type LoadedConfig } from './load.js';
export { configSchema, LOG_LEVELS, MODEM_PROFILES, type Config, type ConfigInput } from './schema.js';
export { demoConfigInput } from './demo.js';
export { ENV_OVERRIDES, type Env } from './env.js';
export { ConfigInvalidError, type ConfigProblem } from './issues.js';
export { isLoopback, parseHostPort } from './fields.js';
export { configForModem, modemEntries, modemStateDir, SINGLE_MODEM_ID, usbLabel, type ModemEntry } from './modems.js';
export { parseModemEntry } from './modem-entry.js';
export type { UsbSelector } from './schema-modems.js';
