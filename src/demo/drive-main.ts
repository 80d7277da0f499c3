/**
 * Entry point of the demo's traffic driver for `mmsgw demo --messages N` (started by
 * ./drive-process.ts): a process of its own, so that the gateway's process holds the gateway
 * alone and what it measures (CPU, peak RSS) is the gateway's. It reaches the simulators over
 * their control interfaces, writes mails to the box's SMTP listener and calls its API like any
 * client, and reads the gateway's database read-only (WAL lets it read while the gateway writes).
 * Options come as JSON in MMSGW_DEMO_DRIVE (the API token is not shown by `ps`); the summary is
 * one line on stdout; it stops when its parent's stdin pipe closes (the parent died).
 */
import { openDatabase } from '../store/db.js';
import { errorMessage } from '../util/errors.js';
import { driveApi } from './api.js';
import { drive } from './drive.js';
import { DRIVE_SUMMARY, type DriveProcessOptions } from './drive-process.js';
import { remoteNetwork } from './network.js';
import { peakRssMb } from './rss.js';

process.stdin.on('end', () => process.exit(1));
process.stdin.on('error', () => process.exit(1));
process.stdin.resume();

try {
  const o = JSON.parse(process.env.MMSGW_DEMO_DRIVE ?? '') as DriveProcessOptions;
  const net = await remoteNetwork(o.endpoints);
  const db = openDatabase(o.dbPath, { readonly: true, integrityCheck: 'off' });
  try {
    const deadline = Date.now() + o.timeoutMs;
    const target = { config: { box: { ownNumber: o.ownNumber } }, gateway: { store: { db } }, net, smtpInPort: o.smtpInPort };
    const driven = await drive(target, { messages: o.messages, seed: o.seed, timeoutMs: o.timeoutMs });
    const api = await driveApi(target, { url: o.api.url, token: o.api.token, stop: async () => undefined }, o.messages, deadline);
    process.stdout.write(`${DRIVE_SUMMARY}${JSON.stringify({ driven, api, peakRssMb: peakRssMb() })}\n`);
  } finally {
    db.close();
    net.close();
  }
  process.exit(0);
} catch (e) {
  process.stderr.write(`demo driver: ${errorMessage(e)}\n`);
  process.exit(1);
}
