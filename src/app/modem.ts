import type { Config } from '../config/index.js';
import { Modem } from '../modem/index.js';
import type { Logger } from '../util/log.js';
import { logger } from '../util/log.js';

/** Opens the modem named by `modem.port` with the profile, PIN and storage from the configuration. */
export async function openModem(config: Config, log: Logger): Promise<Modem> {
  const m = config.modem;
  return Modem.open({
    port: m.port,
    baudRate: m.baudRate,
    rtscts: m.rtscts,
    log,
    wireLog: logger('wire'),
    // A box that boots before the modem has enumerated keeps running and opens it when it appears.
    waitForPort: true,
    // For `mmsgw status` and health checks: the port is ours, nobody else can ask the modem.
    statusDir: config.stateDir,
    ...(m.pin !== null ? { pin: m.pin } : {}),
    ...(m.profile !== 'auto' ? { profile: m.profile } : {}),
    ...(m.smsStorage !== 'auto' ? { smsStorage: m.smsStorage } : {}),
    recovery: {
      timeoutsBeforeRecovery: m.recovery.maxTimeouts,
      ...(m.recovery.usbPath !== null ? { usbDevice: m.recovery.usbPath } : {}),
      // Run without a shell: the configured command line is split on white space.
      ...(m.recovery.powerCycleCommand !== null ? { powerCycleCommand: m.recovery.powerCycleCommand.trim().split(/\s+/) } : {}),
    },
  });
}
