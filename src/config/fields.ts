import { isIP } from 'node:net';
import { z } from 'zod';

import { show } from './plain.js';

export { isLoopback, show } from './plain.js';

/** An integer in [min, max]; every refusal says the range and what was found. */
export function int(min: number, max: number): z.ZodNumber {
  const error = (iss: { input?: unknown }): string => `expected a number between ${min} and ${max}, got ${show(iss.input)}`;
  return z.number({ error }).int({ error: (iss) => `expected a whole number between ${min} and ${max}, got ${show(iss.input)}` }).min(min, { error }).max(max, { error });
}

/** A TCP port. `allowZero` lets the OS pick one (tests, demo). */
export function port(allowZero = false): z.ZodNumber {
  return int(allowZero ? 0 : 1, 65535);
}

export function bool(): z.ZodBoolean {
  return z.boolean({ error: (iss) => `expected true or false, got ${show(iss.input)}` });
}

/** A non-empty string. */
export function text(what = 'a non-empty string'): z.ZodString {
  return z.string({ error: (iss) => `expected ${what}, got ${show(iss.input)}` }).min(1, { error: `expected ${what}, got ''` });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: (iss) => `expected one of ${values.join(', ')}, got ${show(iss.input)}` });
}

/** E.164: '+', country code, subscriber number; 7 to 15 digits in all (ITU-T E.164 §6). */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** YAML reads an unquoted +4915… or 0123 as a number; say so instead of a bare type error. */
export function quoteHint(input: unknown): string {
  return typeof input === 'number' ? ' (YAML read it as a number: put it in quotes)' : '';
}

export function e164(): z.ZodString {
  return z
    .string({ error: (iss) => `expected a phone number in E.164 form like '+4915112345678', got ${show(iss.input)}${quoteHint(iss.input)}` })
    .regex(E164, { error: (iss) => `expected a phone number in E.164 form like '+4915112345678', got ${show(iss.input)}` });
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function email(): z.ZodString {
  return z
    .string({ error: (iss) => `expected an email address, got ${show(iss.input)}` })
    .regex(EMAIL, { error: (iss) => `expected an email address, got ${show(iss.input)}` });
}

const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function domain(): z.ZodString {
  return z
    .string({ error: (iss) => `expected a domain name like 'example.com', got ${show(iss.input)}` })
    .regex(DOMAIN, { error: (iss) => `expected a domain name like 'example.com', got ${show(iss.input)}` });
}

export function ip(): z.ZodString {
  return z
    .string({ error: (iss) => `expected an IP address, got ${show(iss.input)}` })
    .refine((v) => isIP(v) !== 0, { error: (iss) => `expected an IP address, got ${show(iss.input)}` });
}

/** A host name or IP literal (no scheme, no port). */
export function host(): z.ZodString {
  return z
    .string({ error: (iss) => `expected a host name or IP address, got ${show(iss.input)}` })
    .refine((v) => isIP(v) !== 0 || DOMAIN.test(v), { error: (iss) => `expected a host name or IP address, got ${show(iss.input)}` });
}

/** `host:port`, as an MMS proxy is usually written (`10.10.10.10:8080`, `[fd00::1]:80`). */
export function hostPort(): z.ZodString {
  const error = (iss: { input?: unknown }): string => `expected host:port like '10.0.0.1:8080', got ${show(iss.input)}`;
  return z.string({ error }).refine((v) => parseHostPort(v) !== undefined, { error });
}

export function parseHostPort(v: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(v);
  if (!m) return undefined;
  const h = m[1] ?? m[2] ?? '';
  const p = Number(m[3]);
  if (p < 1 || p > 65535) return undefined;
  if (isIP(h) === 0 && !DOMAIN.test(h)) return undefined;
  return { host: h, port: p };
}

export function httpUrl(): z.ZodString {
  const error = (iss: { input?: unknown }): string => `expected an http:// or https:// URL, got ${show(iss.input)}`;
  return z.string({ error }).refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, { error });
}

