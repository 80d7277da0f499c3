/** The simulator's modem dialects, by name (`--profile`). */
import type { ModemProfile } from '../types.js';
import { generic } from './generic.js';
import { huawei } from './huawei.js';
import { quectel } from './quectel.js';
import { sierra } from './sierra.js';
import { simcom } from './simcom.js';
import { zte } from './zte.js';

export const PROFILES: Readonly<Record<string, ModemProfile>> = { generic, huawei, quectel, simcom, sierra, zte };

export function profileByName(name: string): ModemProfile | undefined {
  return PROFILES[name.toLowerCase()];
}
