import { commands } from './registry.js';
import { errorMessage } from '../util/errors.js';

const VERSION = '0.1.0';

function usage(): string {
  return [
    'usage: mmsgw <command> [options]',
    '',
    'commands:',
    ...Object.keys(commands).sort().map((name) => `  ${name}`),
    '',
    'mmsgw help <command>   details of one command',
    'mmsgw version          print the version',
  ].join('\n');
}

/** Runs the CLI; returns the exit code (the caller sets process.exitCode). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0];
    const load = topic === undefined ? undefined : commands[topic];
    if (load) {
      const { command } = await load();
      console.log(`${command.summary}\n\n${command.usage}`);
      return 0;
    }
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === 'version' || name === '--version') {
    console.log(VERSION);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`mmsgw: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const { command } = await load();
    return await command.run(rest);
  } catch (e) {
    console.error(`mmsgw ${name}: ${errorMessage(e)}`);
    return 1;
  }
}
