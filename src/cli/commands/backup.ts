import type { CliCommand } from '../registry.js';
import { LOCATION_USAGE, runOps, UsageError } from '../../ops/cli.js';
import { backupDatabase, type BackupResult } from '../../ops/backup.js';
import { bytes, clean } from '../../ops/text.js';

const USAGE = `usage: mmsgw backup DEST (--config FILE | --state-dir DIR) [--json]

Writes a consistent copy of the database to DEST while the gateway keeps running (SQLite
online backup over a read-only connection), checks it with quick_check, and only then gives
it its name. DEST must not exist. Part bodies are files under <stateDir>/blobs/ that never
change once written: copy them alongside, e.g. \`rsync -a <stateDir>/blobs/ BACKUP/blobs/\`.

${LOCATION_USAGE}`;

function render(r: BackupResult): string {
  return [`backed up ${clean(r.source)} to ${clean(r.dest)} (${bytes(r.bytes)}, ${r.pages} pages, quick_check ok)`, `now copy the part files too: rsync -a ${clean(r.blobs)}/ <backup>/blobs/`].join('\n');
}

export const command: CliCommand = {
  summary: 'copy the database consistently while the gateway runs',
  usage: USAGE,
  run: (argv) =>
    runOps('backup', USAGE, argv, {}, async (inv) => {
      if (inv.positionals.length !== 1) throw new UsageError('name the backup file DEST');
      const result = await backupDatabase(inv.location(), inv.positionals[0] as string);
      inv.print(result, render);
      return 0;
    }),
};
