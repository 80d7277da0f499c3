/**
 * The CLI's command registry: one module per command under ./commands, loaded on demand so
 * that `mmsgw decode` does not pay for serialport or SQLite. A command module exports
 * `command: CliCommand`.
 */
export interface CliCommand {
  /** One line for `mmsgw help`. */
  readonly summary: string;
  /** Full usage text for `mmsgw help <name>` and for argument errors. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

export const commands: Readonly<Record<string, () => Promise<{ command: CliCommand }>>> = {
  'mail-test': () => import('./commands/mail-test.js'),
  sim: () => import('./commands/sim.js'),
  decode: () => import('./commands/decode.js'),
  demo: () => import('./commands/demo.js'),
  run: () => import('./commands/run.js'),
  doctor: () => import('./commands/doctor.js'),
  status: () => import('./commands/status.js'),
  messages: () => import('./commands/messages.js'),
  show: () => import('./commands/show.js'),
  jobs: () => import('./commands/jobs.js'),
  retry: () => import('./commands/retry.js'),
  reprocess: () => import('./commands/reprocess.js'),
  quarantine: () => import('./commands/quarantine.js'),
  backup: () => import('./commands/backup.js'),
  token: () => import('./commands/token.js'),
  config: () => import('./commands/config.js'),
  setup: () => import('./commands/setup.js'),
  'web-password': () => import('./commands/web-password.js'),
};
