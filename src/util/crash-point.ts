import { existsSync, writeFileSync } from 'node:fs';

/**
 * Test-only fault injection for the targeted-kill suite (test/e2e/crash-windows.test.ts,
 * bench/crash-windows.ts). Each call names a point between two durable steps; when the
 * environment arms that point the process SIGKILLs itself right there, so a kill lands in
 * exactly the window under test instead of somewhere near it.
 *
 *   MMSGW_CRASH_AT=<point>[,<point>…]   the points armed
 *   MMSGW_CRASH_ONCE=<file>              fire only while <file> is absent, and create it first
 *                                        (the test deletes it to arm the next kill)
 *
 * Without MMSGW_CRASH_AT this is one environment lookup and nothing else.
 */
export function crashPoint(name: CrashPointName): void {
  const armed = process.env['MMSGW_CRASH_AT'];
  if (!armed) return;
  if (!armed.split(',').includes(name)) return;
  const once = process.env['MMSGW_CRASH_ONCE'];
  if (once) {
    if (existsSync(once)) return;
    writeFileSync(once, `${name} ${process.pid}\n`);
  }
  process.kill(process.pid, 'SIGKILL');
}

/** The windows a kill can be placed in, in the order a message meets them. */
export const CRASH_POINTS = [
  // SMS in: read from the modem, committed to SQLite, deleted from the modem.
  'sms-read',
  'sms-stored',
  'sms-deleted',
  // SMS out: `submitting` recorded; AT+CMGS=<n> answered with the prompt, PDU not yet written;
  // PDU written, +CMGS not yet answered; +CMGS answered, not yet recorded.
  'cmgs-submitting',
  'cmgs-before-pdu',
  'cmgs-after-pdu',
  'cmgs-answered',
  // MMS in: fetched (file on disk), stored, acknowledged to the MMSC (not yet recorded).
  'mms-fetched',
  'mms-stored',
  'mms-acked',
  // MMS out: `submitting` recorded, m-send-req not yet posted; m-send-conf received, not yet recorded.
  'msend-before-post',
  'msend-confirmed',
  // Relay: before the SMTP transaction; after the server's 250, not yet recorded.
  'smtp-before',
  'smtp-after-250',
  // Mail in: before the mail is queued; queued, not yet answered 250.
  'mailin-before-queue',
  'mailin-after-queue',
  // Group commit: jobs finished (their own steps committed), outcomes not yet committed;
  // blob files of a batch durable, the rows that reference them not yet committed.
  'jobs-settle',
  'blobs-written',
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];
