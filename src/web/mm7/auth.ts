import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Mm7Release } from './ns.js';

/** A value-added service provider allowed to use the box's MM7 interface. */
export interface VaspAccount {
  readonly vaspId: string;
  /** When set, a SubmitReq must name this VASID. */
  readonly vasId?: string;
  /** HTTP Basic user name of the VASP towards the box. */
  readonly user: string;
  readonly password?: string;
  /** `scrypt$<salt hex>$<key hex>` (see hashPassword), instead of `password`. */
  readonly passwordHash?: string;
  /** The VASP's own MM7 endpoint, for DeliverReq, DeliveryReportReq and ReadReplyReq. */
  readonly url?: string;
  readonly urlUser?: string;
  readonly urlPassword?: string;
  /** Deliver messages the box receives to this VASP (DeliverReq). */
  readonly deliverIncoming: boolean;
  /** Release used for DeliverReq (reports use the namespace of the submission). */
  readonly release: Mm7Release;
}

/** RFC 7617 Basic credentials from an Authorization header; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const sp = header.indexOf(' ');
  if (sp < 0 || header.slice(0, sp).toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(header.slice(sp + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

const SCRYPT_KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, SCRYPT_KEYLEN, (e, key) => (e ? reject(e) : resolve(key))));
}

/** A password hash for `mm7.vasps[].passwordHash`: `scrypt$<salt hex>$<key hex>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${(await scryptAsync(password, salt)).toString('hex')}`;
}

/** Compares in constant time (hashes of equal length), whichever form the account holds. */
export async function verifyPassword(account: VaspAccount, password: string): Promise<boolean> {
  if (account.passwordHash) {
    const [scheme, saltHex, keyHex] = account.passwordHash.split('$');
    if (scheme !== 'scrypt' || !saltHex || !keyHex) return false;
    const key = await scryptAsync(password, Buffer.from(saltHex, 'hex'));
    const want = Buffer.from(keyHex, 'hex');
    return want.length === key.length && timingSafeEqual(want, key);
  }
  if (account.password === undefined) return false;
  const a = createHash('sha256').update(password).digest();
  const b = createHash('sha256').update(account.password).digest();
  return timingSafeEqual(a, b);
}

/** The account a request authenticates as, or undefined (unknown user or wrong password). */
export async function authenticate(accounts: readonly VaspAccount[], header: string | undefined): Promise<VaspAccount | undefined> {
  const cred = parseBasicAuth(header);
  if (!cred) return undefined;
  const account = accounts.find((a) => a.user === cred.user);
  if (!account) {
    // Same work for an unknown user as for a wrong password.
    await verifyPassword({ vaspId: '', user: '', password: randomBytes(8).toString('hex'), deliverIncoming: false } as VaspAccount, cred.password);
    return undefined;
  }
  return (await verifyPassword(account, cred.password)) ? account : undefined;
}
