// Shared by the hook benchmarks: a server in this process with the hook endpoint mounted and a
// policy that allows `git status`, the agent key it knows, and Claude Code's PreToolUse payload.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelFactory } from '../src/channels/channel.js';
import { ConfigSchema } from '../src/config/schema.js';
import { hooksRouteGroup } from '../src/hooks/routes.js';
import { silentLogger } from '../src/log.js';
import { startServer, type RunningServer } from '../src/server.js';

export const AGENT = 'bench-agent-key-0123456789abc';

/** A PreToolUse payload for Bash `command`; without a session (null), nothing of it is recorded as an agent session. */
export const hookPayload = (command: string, session: string | null = 'bench-session') =>
  JSON.stringify({ ...(session ? { session_id: session } : {}), transcript_path: '/tmp/t.jsonl', cwd: '/tmp', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_bench' });

/** The server, in a fresh data dir. */
async function startHookServer(prefix: string): Promise<{ server: RunningServer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = ConfigSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    data_dir: dir,
    log: { level: 'silent' },
    rate_limit: { per_minute: 0 },
    agents: [{ name: 'bench', key: AGENT }],
    approvers: [{ name: 'alice', key: 'bench-approver-key-0123456789' }],
    admins: [{ name: 'root', key: 'bench-admin-key-0123456789ab' }],
    policy: { allow: ['Bash(git status)'] },
  });
  const mount: ChannelFactory = () => ({ name: 'hooks-bench-mount', plan: () => [], send: async () => {}, routes: hooksRouteGroup });
  return { server: await startServer(config, { logger: silentLogger, channels: [mount] }), dir };
}

/** Runs a benchmark against the server, then closes it and removes its data; a failure sets the exit code. */
export function benchWithHookServer(prefix: string, run: (s: { server: RunningServer; dir: string }) => Promise<void>): void {
  void (async () => {
    const { server, dir } = await startHookServer(prefix);
    try {
      await run({ server, dir });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
