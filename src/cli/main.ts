// `greenlight <command>`: one binary, `serve` is just one command.
import { COMMANDS, usage } from './commands.js';

export async function main(argv: string[]): Promise<number | void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 0;
  }
  if (name === '--version' || name === '-v') return COMMANDS.version.run([]);
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`greenlight: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
