import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, positiveInt, runOps, UsageError } from '../../ops/cli.js';
import { withWritable } from '../../ops/db.js';
import { retryAllDead, retryJob, type RetryResult } from '../../ops/jobs.js';
import { clean } from '../../ops/text.js';

const USAGE = `usage: mmsgw retry (JOB_ID | --all-dead) (--config FILE | --state-dir DIR) [--json]

Moves a dead-lettered job (or every dead job) back to queued, due now, with its attempts
reset. The running gateway polls its job table at least once a second and takes the job up
then (at once if a job slot is free, else when one frees). Safe while the gateway runs: one
short write transaction, waiting up to 5 s for the gateway's lock.

  --all-dead        retry every dead job
${LOCATION_USAGE}`;

function render(r: RetryResult): string {
  if (r.retried.length === 0) return 'no dead jobs';
  return r.retried.map((j) => `queued again: #${j.id} ${clean(j.key)}${j.lastError ? ` (was dead: ${clean(j.lastError)})` : ''}`).join('\n');
}

export const command: CliCommand = {
  summary: 'queue a dead job (or all dead jobs) again',
  usage: USAGE,
  run: (argv) =>
    runOps('retry', USAGE, argv, { 'all-dead': { type: 'boolean', default: false } }, async (inv) => {
      const all = inv.values['all-dead'] === true;
      if (all === (inv.positionals.length === 1) || inv.positionals.length > 1) throw new UsageError('name one job id, or --all-dead');
      const id = all ? undefined : positiveInt(inv.positionals[0], 'the job id');
      const result = await withWritable(inv.location(), (store) => (id === undefined ? retryAllDead(store) : retryJob(store, id)));
      inv.print(result, render);
      return 0;
    }),
};
