import { commands, type CliCommand } from './registry.js';
import { EXIT_CODES_TEXT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, suggest, unknownFlag, wantsHelp } from './help.js';
import { errorMessage } from '../util/errors.js';

const VERSION = '0.1.0';

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  const load = commands[name];
  return load === undefined ? undefined : (await load()).command;
}

/** Every command with its one-line summary (loads every command module: only for help). */
async function usage(): Promise<string> {
  const names = Object.keys(commands).sort();
  const summaries = await Promise.all(names.map(async (n) => (await loadCommand(n))?.summary ?? ''));
  const width = Math.max(...names.map((n) => n.length), 'version'.length);
  return [
    'usage: mmsgw <command> [options]',
    '',
    'commands:',
    ...names.map((n, i) => `  ${n.padEnd(width)}  ${summaries[i] ?? ''}`),
    `  ${'help'.padEnd(width)}  this list; \`mmsgw help <command>\` (or \`mmsgw <command> --help\`) for one command's usage`,
    `  ${'version'.padEnd(width)}  print the version`,
    '',
    EXIT_CODES_TEXT,
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return `${command.summary}\n\n${command.usage}\n\n  -h, --help        this usage\n\n${EXIT_CODES_TEXT}`;
}

function unknownCommand(name: string): string {
  const s = suggest(name, [...Object.keys(commands), 'help', 'version']);
  return `mmsgw: unknown command '${name}'${s === undefined ? '' : ` — did you mean '${s}'?`}\nrun 'mmsgw help' for the list of commands`;
}

/** Runs the CLI; returns the exit code (the caller sets process.exitCode). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0];
    if (topic !== undefined) {
      const command = await loadCommand(topic);
      if (command === undefined) {
        console.error(unknownCommand(topic));
        return EXIT_USAGE;
      }
      console.log(commandHelp(command));
      return EXIT_OK;
    }
    // Bare `mmsgw` is a usage error: the list goes to stderr, stdout stays clean.
    if (name === undefined) {
      console.error(await usage());
      return EXIT_USAGE;
    }
    console.log(await usage());
    return EXIT_OK;
  }
  if (name === 'version' || name === '--version') {
    console.log(VERSION);
    return EXIT_OK;
  }
  const command = await loadCommand(name).catch((e: unknown) => {
    console.error(`mmsgw ${name}: ${errorMessage(e)}`);
    return null;
  });
  if (command === null) return EXIT_FAILURE;
  if (command === undefined) {
    console.error(unknownCommand(name));
    return EXIT_USAGE;
  }
  if (wantsHelp(rest)) {
    console.log(commandHelp(command));
    return EXIT_OK;
  }
  const bad = unknownFlag(rest, command.usage);
  if (bad !== undefined) {
    const hint = bad.suggestion === undefined ? '' : ` — did you mean '${bad.suggestion}'?`;
    console.error(`mmsgw ${name}: unknown option '${bad.flag}'${hint}\n\n${command.usage}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    console.error(`mmsgw ${name}: ${errorMessage(e)}`);
    return EXIT_FAILURE;
  }
}
