// How to write a greenlight command so the user can paste it into their shell. After `npm ci` in
// a clone there is no `greenlight` on PATH: `npx greenlight …` (run in that folder) finds this
// package's bin. Only a global install or `npm link` puts `greenlight` itself on PATH, and only
// then do help texts and hints say plain `greenlight`.
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OWN_BIN = fileURLToPath(new URL('../../bin/greenlight.js', import.meta.url));

const same = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/** `greenlight` when that name on PATH runs this very install, else `npx greenlight`. */
export function commandPrefix(env: NodeJS.ProcessEnv = process.env): string {
  // Started by npm (`npm start`, `npx greenlight`): npm put its own bin folders on our PATH, the
  // user's shell does not have them.
  if (env.npm_command) return 'npx greenlight';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'greenlight');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    return same(candidate, OWN_BIN) ? 'greenlight' : 'npx greenlight';
  }
  return 'npx greenlight';
}

let cached: string | null = null;

/** A greenlight command line the user can paste, e.g. cli('keys list') → `npx greenlight keys list`. */
export function cli(args = ''): string {
  cached ??= commandPrefix();
  return args ? `${cached} ${args}` : cached;
}

/**
 * A command another program runs from any directory (an MCP client's server command): plain
 * `greenlight` when it is on PATH, else this install's bin by absolute path.
 */
export function binCommand(args: string): string {
  return `${cli() === 'greenlight' ? 'greenlight' : `node ${JSON.stringify(OWN_BIN)}`} ${args}`;
}
