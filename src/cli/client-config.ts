// Where the agent-side commands find the server: --url / --key, else GREENLIGHT_URL / GREENLIGHT_KEY
// (ok2run's APPROVAL_GATE_URL / APPROVAL_API_KEY also work). Keys can come from a file: GREENLIGHT_KEY_FILE.
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createClient, type GreenlightClient } from '../client/client.js';
import { isGreenlightApiError } from '../client/errors.js';
import { machineHostname } from '../client/machine.js';
import { cli } from '../invocation.js';

export const CLIENT_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const CLIENT_HELP = `  --url URL   the Greenlight server (env GREENLIGHT_URL, default http://127.0.0.1:8787)
  --key KEY   your key (env GREENLIGHT_KEY or GREENLIGHT_KEY_FILE)`;

export class UsageError extends Error {}

export function resolveClient(flags: { url?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): GreenlightClient {
  const url = flags.url ?? env.GREENLIGHT_URL ?? env.APPROVAL_GATE_URL ?? 'http://127.0.0.1:8787';
  const key = flags.key ?? env.GREENLIGHT_KEY ?? (env.GREENLIGHT_KEY_FILE ? readFileSync(env.GREENLIGHT_KEY_FILE, 'utf8').trim() : undefined) ?? env.APPROVAL_API_KEY;
  if (!key) throw new UsageError(`No key: pass --key or set GREENLIGHT_KEY (an agent key from "${cli('keys create --role agent --name NAME')}").`);
  // These commands run on the agent's machine: each request they file names it.
  return createClient({ url, key, host: machineHostname() });
}

/** parseArgs with the client options; --help / usage errors print usage and return a code. */
export function parseClientArgs(args: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = true) {
  return parseArgs({ args, options: { ...CLIENT_OPTIONS, ...options }, allowPositionals, strict: true });
}

/** Runs a command body, turning usage and server errors into a message on stderr and an exit code. */
export async function runCli(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${usage}`);
      return 2;
    }
    if (isGreenlightApiError(err)) {
      process.stderr.write(`greenlight: ${err.code}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`greenlight: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

export function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--timeout must be a whole number of seconds (got ${JSON.stringify(raw)}).`);
  return n;
}
