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
};
