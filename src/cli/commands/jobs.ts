import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, positiveInt, runOps, UsageError } from '../../ops/cli.js';
import { withReadOnly } from '../../ops/db.js';
import { isJobState, JOB_STATES, listJobs, listUncertain, renderJobs, renderUncertain } from '../../ops/jobs.js';

const USAGE = `usage: mmsgw jobs (--config FILE | --state-dir DIR) [--dead | --queued | --state S | --uncertain] [--limit N] [--json]

The gateway's durable jobs, newest first: id, kind, key, state, attempts, when it runs
(next), and the last error. A dead job has given up; \`mmsgw retry\` queues it again.

  --dead, --queued  only dead-lettered / only waiting jobs
  --state S         only jobs in state S: ${JOB_STATES.join(', ')}
  --uncertain       outbound sends a restart interrupted between writing the PDU and the
                    network's answer: resent (outbound.uncertain: resend) or held until
                    \`mmsgw retry <job>\` (hold)
  --limit N         at most N lines (default 100, at most 10000)
${LOCATION_USAGE}`;

export const command: CliCommand = {
  summary: 'list jobs with kind, key, attempts, run time and last error',
  usage: USAGE,
  run: (argv) =>
    runOps(
      'jobs',
      USAGE,
      argv,
      { dead: { type: 'boolean', default: false }, queued: { type: 'boolean', default: false }, uncertain: { type: 'boolean', default: false }, state: { type: 'string' }, limit: { type: 'string' } },
      (inv) => {
        const v = inv.values;
        if (inv.positionals.length > 0) throw new UsageError(`unexpected argument '${inv.positionals[0] ?? ''}'`);
        const chosen = [v.dead ? 'dead' : undefined, v.queued ? 'queued' : undefined, v.state].filter((s) => s !== undefined);
        if (chosen.length + (v.uncertain ? 1 : 0) > 1) throw new UsageError('--dead, --queued, --state and --uncertain exclude each other');
        const state = chosen[0];
        if (state !== undefined && !isJobState(state)) throw new UsageError(`unknown job state '${state}'`);
        const limit = v.limit === undefined ? 100 : Math.min(positiveInt(v.limit, '--limit'), 10_000);
        if (v.uncertain) {
          inv.print(withReadOnly(inv.location(), (db) => listUncertain(db, limit)), renderUncertain);
          return 0;
        }
        const jobs = withReadOnly(inv.location(), (db) => listJobs(db, state, limit));
        inv.print(jobs, renderJobs);
        return 0;
      },
    ),
};
