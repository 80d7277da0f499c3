import { randomBytes } from 'node:crypto';

/** The demo VASP's account at the box (MM7). */
export interface VaspAccount {
  readonly vaspId: string;
  readonly user: string;
  readonly password: string;
}

/** A fresh account for the demo VASP (a module of its own: ./split.ts needs it before it loads the gateway). */
export function newVaspAccount(): VaspAccount {
  return { vaspId: 'demo-vasp', user: 'demo-vasp', password: randomBytes(12).toString('base64url') };
}
