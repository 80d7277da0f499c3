import { execFile } from 'node:child_process';

/**
 * sd_notify(3) for Type=notify units. Node has no unix datagram sockets, so the message goes
 * through the `systemd-notify` tool (the unit sets NotifyAccess=all). Outside systemd
 * (no NOTIFY_SOCKET) every call is a no-op.
 */
export function sdNotify(state: string): Promise<boolean> {
  if (!process.env.NOTIFY_SOCKET) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('systemd-notify', [`--pid=${process.pid}`, state], { timeout: 5000 }, (error) => resolve(!error));
  });
}

/**
 * Pings the watchdog at half the interval systemd asked for (WATCHDOG_USEC), as long as
 * `healthy()` says the process is alive. The ping comes from a timer, so a blocked event loop
 * stops it by itself; `healthy` adds what the timer cannot see (the store answers). Liveness
 * is never "a job slot is free": jobs may wait minutes on a slow bearer in a healthy gateway.
 * Returns a stop function.
 */
export function startWatchdog(healthy: () => boolean): () => void {
  const usec = Number(process.env.WATCHDOG_USEC ?? 0);
  if (!process.env.NOTIFY_SOCKET || !Number.isFinite(usec) || usec <= 0) return () => undefined;
  const timer = setInterval(() => {
    if (healthy()) void sdNotify('WATCHDOG=1');
  }, Math.max(1000, usec / 2000));
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The gateway's liveness: the event loop runs (the caller is a timer) and the store answers a
 * query. A throw (locked, I/O error, closed database) is "not alive": systemd restarts us.
 */
export function storeAnswers(query: () => unknown): boolean {
  try {
    query();
    return true;
  } catch {
    return false;
  }
}
