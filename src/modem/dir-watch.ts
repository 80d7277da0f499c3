import { existsSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Waits for a change in some directories instead of polling them: inotify through fs.watch.
 * Linux facts relied on: devtmpfs creates and removes /dev nodes through vfs_mknod/vfs_unlink,
 * which notify inotify watchers (fsnotify_create/fsnotify_unlink), so a watch on /dev sees
 * ttyUSB2 come and go; udev's links (/dev/serial/by-id/…) are made with symlink()+rename() and
 * seen the same way; udev removes a links directory once it is empty, so a directory that does
 * not exist (yet) is watched through its nearest existing parent, and the caller re-arms after
 * every wake-up. inotify can drop events when its queue overflows (inotify(7), IN_Q_OVERFLOW),
 * so a wait is bounded by a timer the caller chooses: a safety net, not a poll.
 */
export interface DirWaiter {
  /** Resolves 'change' on the first event since the waiter was armed, else 'timeout' after ms (or at close). */
  next(ms: number): Promise<'change' | 'timeout'>;
  close(): void;
}

/** The directory itself when it exists, else its nearest existing ancestor. */
export function nearestExisting(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(d) && d !== dirname(d)) d = dirname(d);
  return d;
}

/** Arms watches on the dirs now (before the caller looks), so no change between look and wait is missed. */
export function watchDirs(dirs: readonly string[]): DirWaiter {
  let changed = false;
  let wake: (() => void) | undefined;
  const watchers: FSWatcher[] = [];
  const onChange = (): void => {
    changed = true;
    wake?.();
  };
  for (const d of new Set(dirs.map(nearestExisting))) {
    try {
      const w = watch(d, { persistent: false }, onChange);
      // A watched directory removed, or the watch lost: wake up and let the caller look again.
      w.on('error', onChange);
      watchers.push(w);
    } catch {
      changed = true; // cannot watch it: do not sleep on it
    }
  }
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  return {
    next: (ms) =>
      new Promise((res) => {
        if (changed || closed) {
          res(changed ? 'change' : 'timeout');
          return;
        }
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          res(changed ? 'change' : 'timeout');
        };
        timer = setTimeout(() => wake?.(), ms);
      }),
    close: () => {
      closed = true;
      for (const w of watchers) w.close();
      wake?.();
    },
  };
}
