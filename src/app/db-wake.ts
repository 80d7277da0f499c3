/**
 * Wakes the gateway when its database changes, instead of polling the jobs and outbox tables.
 *
 * Every commit in WAL mode appends frames to `<db>-wal` (SQLite "Write-Ahead Logging" §2), so
 * an inotify watch on the database's directory sees every commit — the gateway's own and those of
 * another process (`mmsgw retry`, `mmsgw reprocess`) — without a timer. Events are coalesced into
 * one call per event-loop turn. A checkpoint truncating the WAL, or a reader, at most causes one
 * harmless extra look; looking writes nothing when there is nothing to do, so the wake-ups stop.
 * Where the file system offers no watch (fs.watch throws), the caller's slow safety timer
 * remains the only trigger.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../util/log.js';

export interface DbWake {
  /** False when no watch could be set up (the safety timers are then the only trigger). */
  readonly watching: boolean;
  close(): void;
}

export function watchDatabase(dbPath: string, onChange: () => void, log?: Logger): DbWake {
  const base = basename(dbPath);
  let pending = false;
  let closed = false;
  const fire = (): void => {
    pending = false;
    if (!closed) onChange();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(dbPath), { persistent: false }, (_event, name) => {
      // `name` may be null on some platforms: then any change counts.
      if (name !== null && !String(name).startsWith(base)) return;
      if (pending || closed) return;
      pending = true;
      setImmediate(fire);
    });
    watcher.on('error', (e: Error) => {
      log?.warn({ err: e.message }, 'database watch failed; falling back to the safety timers');
      watcher?.close();
    });
  } catch (e) {
    log?.warn({ err: (e as Error).message }, 'cannot watch the database directory; falling back to the safety timers');
    watcher = undefined;
  }
  return {
    watching: watcher !== undefined,
    close() {
      closed = true;
      watcher?.close();
    },
  };
}
