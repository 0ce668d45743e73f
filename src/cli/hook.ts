// `greenlight hook <host>`: the command hook an agent host runs on every tool call. Kept light:
// it imports only the hook client, and can run on its own (node dist/src/cli/hook.js claude-code)
// so the host does not pay for loading the whole CLI.
import { pathToFileURL } from 'node:url';

const HOSTS = ['claude-code', 'codex', 'gemini', 'cursor'];

const help = (cli: (args: string) => string) => `Usage: ${cli('hook')} <${HOSTS.join('|')}>

Reads the host's hook payload (JSON) on stdin, asks the gate, prints the host's hook output.

Environment:
  GREENLIGHT_URL            the gate, e.g. http://127.0.0.1:8787 (required)
  GREENLIGHT_KEY            an agent key (required)
  GREENLIGHT_HOOK_WAIT_SEC  how long to wait for a human (default 50, below Claude Code's 60 s)
  GREENLIGHT_ON_ERROR       deny (default) | ask: what to answer when the gate cannot be asked

Install it with: ${cli('install <host>')}. Docs: docs/hooks.md
`;

export async function runHookCli(args: string[]): Promise<number> {
  const [host] = args;
  if (!host || host === '--help' || host === '-h') {
    process.stdout.write(help((await import('../invocation.js')).cli));
    return host ? 0 : 2;
  }
  if (!HOSTS.includes(host)) {
    process.stderr.write(`greenlight hook: unknown host "${host}". Hosts: ${HOSTS.join(', ')}.\n`);
    return 2;
  }
  const { runHook } = await import('../hooks/client.js');
  return runHook(host, { env: process.env, stdin: process.stdin, write: (t) => process.stdout.write(t) });
}

export const hookCommand = {
  summary: 'run as an agent host hook (claude-code, codex, gemini, cursor): stdin payload → gate → hook output',
  run: runHookCli,
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runHookCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
