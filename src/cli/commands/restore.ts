import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, runOps, UsageError } from '../../ops/cli.js';
import { restoreBackup, type RestoreResult } from '../../ops/restore.js';
import { clean } from '../../ops/text.js';

const USAGE = `usage: mmsgw restore BACKUP (--config FILE | --state-dir DIR) [--blobs DIR] [--json]

Puts a database copy made by \`mmsgw backup\` into the state directory, with the part files it
references. The backup is checked (quick_check, an mmsgw database); every part file is copied
from the backup's blobs directory and verified against its SHA-256; only then is the
database put in place. Stop the gateway first: a state directory that already holds a
database is refused. Nothing is restored when a part file is missing.

  --blobs DIR       the backup's copy of <stateDir>/blobs/ (default: blobs/ beside BACKUP)
${LOCATION_USAGE}`;

function render(r: RestoreResult): string {
  return [
    `restored ${clean(r.backup)} to ${clean(r.dbPath)}: ${r.messages} messages`,
    `part files: ${r.blobsReferenced} referenced, ${r.blobsCopied} copied from ${clean(r.blobsFrom)}, ${r.blobsPresent} already there`,
    'start the gateway to use it',
  ].join('\n');
}

export const command: CliCommand = {
  summary: 'put a backup (database and part files) into a state directory',
  usage: USAGE,
  run: (argv) =>
    runOps('restore', USAGE, argv, { blobs: { type: 'string' } }, (inv) => {
      if (inv.positionals.length !== 1) throw new UsageError('name the backup file BACKUP');
      const result = restoreBackup(inv.positionals[0] as string, inv.location(), { blobsDir: inv.values.blobs });
      inv.print(result, render);
      return 0;
    }),
};
