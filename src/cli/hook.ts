// `greenlight hook <host>`: the command hook an agent host runs on every tool call. The hook
// itself is src/hooks/command-hook.cts, which installs run directly (`node …/command-hook.cjs
// <host>`, no ES module loader, no CLI); this entry keeps `greenlight hook <host>` and hooks
// installed by older versions (`node …/dist/src/cli/hook.js <host>`) working.
import { pathToFileURL } from 'node:url';

import { HOOK_HOSTS as HOSTS, runHookMain } from '../hooks/command-hook.cjs';

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
  return runHookMain(host);
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
