/**
 * Restricted SIM access, 3GPP 27.007 §8.18 +CRSM: READ BINARY (command 176) of the
 * elementary files a gateway reads to learn its carrier — EF_ICCID (2FE2, ETSI TS 102 221
 * §13.2), EF_SPN (6F46, 3GPP 31.102 §4.2.12) and EF_GID1 (6F3E, §4.2.10). The answer is
 * `+CRSM: <sw1>,<sw2>[,"<hex>"]`; 144,0 (9000) is success, 106,130 (6A82) "file not found".
 */
import { intParam } from '../parser.js';
import { cme, error, ok, simCmeError } from '../reply.js';
import type { ModemState } from '../state.js';
import { efIccid } from './simcard.js';
import type { CommandHandler, HandlerTable } from '../types.js';

const READ_BINARY = 176;

/** EF_SPN: display condition byte, then 16 bytes of the name in the SMS default alphabet, FF-padded. */
function spnBytes(spn: string): string {
  const name = Buffer.from(spn.slice(0, 16), 'latin1').toString('hex').toUpperCase();
  return `01${name.padEnd(32, 'F')}`;
}

function file(state: ModemState, id: number): string | undefined {
  switch (id) {
    case 0x2fe2:
      return efIccid(state.sim.iccid);
    case 0x6f46:
      return state.sim.spn === undefined ? undefined : spnBytes(state.sim.spn);
    case 0x6f3e:
      return state.sim.gid1;
    default:
      return undefined;
  }
}

const crsm: CommandHandler = (ctx, cmd) => {
  if (cmd.kind === 'test') return ok();
  if (cmd.kind !== 'set') return error();
  const sim = simCmeError(ctx.state);
  if (sim !== undefined) return cme(sim);
  const command = intParam(cmd.params, 0);
  const id = intParam(cmd.params, 1);
  if (command !== READ_BINARY) return ok(['+CRSM: 109,0']); // 6D00: instruction not supported
  const data = file(ctx.state, id);
  if (data === undefined) return ok(['+CRSM: 106,130']);
  return ok([`+CRSM: 144,0,"${data}"`]);
};

export const simFileHandlers: HandlerTable = { '+CRSM': crsm };
