import type { AtChannel } from '../at/channel.js';
import { isAtError } from '../at/errors.js';
import { copsFormat, copsQuery } from './commands/cops.js';
import { cpmsQuery } from './commands/cpms.js';
import { registrationQuery, type Registration } from './commands/creg.js';
import { optional } from './identify.js';
import type { ModemProfile, Signal } from './profiles/index.js';

export interface Snapshot {
  readonly cs?: Registration;
  readonly ps?: Registration;
  readonly eps?: Registration;
  readonly operator?: { numeric?: string; name?: string };
  readonly technology?: string;
  readonly signal?: Signal;
  readonly smsStorage?: { mem: string; used: number; total: number };
}

/** Registration (27.007 §7.2, §10.1.20, §10.1.22), operator both ways (§7.3), signal, storage use. */
export async function snapshot(channel: AtChannel, profile: ModemProfile): Promise<Snapshot> {
  const cs = await optional(channel, registrationQuery('CREG'));
  const ps = await optional(channel, registrationQuery('CGREG'));
  const eps = await optional(channel, registrationQuery('CEREG'));
  await optional(channel, copsFormat(2));
  const numeric = await optional(channel, copsQuery);
  await optional(channel, copsFormat(0));
  const named = await optional(channel, copsQuery);
  let signal: Signal | undefined;
  try {
    signal = await profile.signalQuery(channel);
  } catch (e) {
    if (!isAtError(e) || e.code === 'AT_PORT_CLOSED') throw e;
  }
  const storage = await optional(channel, cpmsQuery);
  const technology = named?.accessTechnology ?? numeric?.accessTechnology ?? eps?.accessTechnology ?? ps?.accessTechnology ?? cs?.accessTechnology;
  const operator = numeric?.operator || named?.operator ? { ...(numeric?.operator ? { numeric: numeric.operator } : {}), ...(named?.operator ? { name: named.operator } : {}) } : undefined;
  return {
    ...(cs ? { cs } : {}),
    ...(ps ? { ps } : {}),
    ...(eps ? { eps } : {}),
    ...(operator ? { operator } : {}),
    ...(technology ? { technology } : {}),
    ...(signal ? { signal } : {}),
    ...(storage ? { smsStorage: storage.mem1 } : {}),
  };
}
