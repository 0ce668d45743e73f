// Runs a Greenlight CLI command as a real process: through bin/greenlight.js once the command is
// registered in src/cli/commands.ts, until then through its module directly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/commands.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const modules: Record<string, [string, string]> = {
  mcp: ['dist/src/cli/mcp.js', 'mcpCommand'],
  run: ['dist/src/cli/run.js', 'runCommand'],
  ask: ['dist/src/cli/ask.js', 'askCommand'],
  request: ['dist/src/cli/request.js', 'requestCommand'],
  pending: ['dist/src/cli/pending.js', 'pendingCommand'],
  decide: ['dist/src/cli/decide.js', 'decideCommand'],
};

/** The command and args to spawn for `greenlight <name> ...args`. */
export function cliArgv(name: string, args: string[]): { command: string; args: string[]; cwd: string } {
  if (COMMANDS[name]) return { command: process.execPath, args: [root + 'bin/greenlight.js', name, ...args], cwd: root };
  const [file, exp] = modules[name]!;
  const shim = `const m = await import(${JSON.stringify(root + file)}); const code = await m.${exp}.run(process.argv.slice(1)); if (typeof code === 'number') process.exitCode = code;`;
  return { command: process.execPath, args: ['--input-type=module', '-e', shim, '--', ...args], cwd: root };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(name: string, args: string[], env: Record<string, string>, stdin?: string) {
  const a = cliArgv(name, args);
  const child = spawn(a.command, a.args, { cwd: a.cwd, env: { ...process.env, GREENLIGHT_URL: '', GREENLIGHT_KEY: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (stdin !== undefined) child.stdin.end(stdin);
  else child.stdin.end();
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderrSoFar: () => stderr };
}
