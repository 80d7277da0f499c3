import { z } from 'zod';
import { bool, httpUrl, int, oneOf, text } from './fields.js';

/** The `mm7` section: value-added service providers using the box over MM7 (docs/MM7.md). */

const vasp = z
  .strictObject({
    vaspId: text('a VASP id'),
    /** When set, a SubmitReq must carry this VASID. */
    vasId: text().nullable().default(null),
    /** HTTP Basic credentials of the VASP towards the box. */
    user: text('a user name').refine((v) => !v.includes(':'), { error: "must not contain ':' (HTTP Basic)" }),
    password: text().nullable().default(null),
    /** `scrypt$<salt hex>$<key hex>` instead of `password` (docs/MM7.md says how to make one). */
    passwordHash: z
      .string({ error: 'expected scrypt$<salt hex>$<key hex>' })
      .regex(/^scrypt\$[0-9a-f]{16,}\$[0-9a-f]{64}$/, { error: 'expected scrypt$<salt hex>$<key hex>' })
      .nullable()
      .default(null),
    /** The VASP's own MM7 URL: DeliverReq, DeliveryReportReq and ReadReplyReq go there. */
    url: httpUrl().nullable().default(null),
    urlUser: text().nullable().default(null),
    urlPassword: text().nullable().default(null),
    /** Deliver the messages the box receives to this VASP (needs url). */
    deliverIncoming: bool().default(true),
    /** Schema release of the DeliverReq the box sends (reports use the namespace of the submission). */
    version: oneOf(['REL-5-MM7-1-2', 'REL-6-MM7-1-4']).default('REL-6-MM7-1-4'),
  })
  .superRefine((v, ctx) => {
    if ((v.password === null) === (v.passwordHash === null)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'give exactly one of password and passwordHash' });
    }
  });

export const mm7Section = z
  .strictObject({
    enabled: bool().default(false),
    /** Largest MM7 request accepted (SOAP envelope and attachments), bytes. */
    maxRequestBytes: int(4096, 52_428_800).default(3_145_728),
    /** MMSRelayServerID the box gives in the requests it sends. */
    relayServerId: text().default('mmsgw'),
    /** Retries of requests to VASPs (DeliverReq, reports): exponential backoff, then dead-lettered. */
    retry: z
      .strictObject({
        initialSeconds: int(1, 3600).default(5),
        maxSeconds: int(1, 86400).default(1800),
        maxAttempts: int(1, 1000).default(60),
      })
      .prefault({}),
    vasps: z.array(vasp).max(64, { error: 'at most 64 VASPs' }).default([]),
  })
  .prefault({})
  .superRefine((m, ctx) => {
    const seen = { vaspId: new Set<string>(), user: new Set<string>() };
    m.vasps.forEach((v, i) => {
      for (const key of ['vaspId', 'user'] as const) {
        if (seen[key].has(v[key])) ctx.addIssue({ code: 'custom', path: ['vasps', i, key], message: `'${v[key]}' is used by another VASP` });
        seen[key].add(v[key]);
      }
    });
    if (m.enabled && m.vasps.length === 0) ctx.addIssue({ code: 'custom', path: ['vasps'], message: 'at least one VASP is needed when mm7 is enabled' });
  });
