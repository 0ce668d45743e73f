// A test server with the hook endpoint mounted, payload builders in the hosts' own shapes, and a
// way to await the next request a hook files (no sleeping).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChannelFactory } from '../../src/channels/channel.js';
import type { ApprovalRequest } from '../../src/core/types.js';
import { hooksRouteGroup } from '../../src/hooks/routes.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

/** Mounts /v1/hooks/* the way a channel mounts its routes (route-groups.ts may mount it too). */
const hooksMount: ChannelFactory = () => ({ name: 'hooks-test-mount', plan: () => [], send: async () => {}, routes: hooksRouteGroup });

export async function startHookServer(overrides: Record<string, unknown> = {}): Promise<TestServer> {
  return startTestServer({ policy: { allow: ['Bash(git status)', 'Bash(echo *)'], deny: ['Bash(curl * | sh)'] }, ...overrides }, { channels: [hooksMount] });
}

/** Resolves with the next `n` pending requests filed on the server. Call before starting the hook. */
export function nextPending(s: TestServer, n = 1): Promise<ApprovalRequest[]> {
  return new Promise((resolve) => {
    const seen: ApprovalRequest[] = [];
    const off = s.events.subscribe((e) => {
      if (e.type !== 'request.created' || e.request.status !== 'pending') return;
      seen.push(e.request);
      if (seen.length === n) {
        off();
        resolve(seen);
      }
    });
  });
}

export async function postHook(s: TestServer, host: string, payload: unknown, opts: { waitSec?: number; key?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = opts.key === undefined ? KEYS.agent : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${s.url}/v1/hooks/${host}?wait_sec=${opts.waitSec ?? 5}`, { method: 'POST', headers, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  return { status: res.status, body: (await res.json()) as any };
}

export const decide = (s: TestServer, id: string, body: Record<string, unknown>) => s.call('approver', 'POST', `/v1/requests/${id}/decision`, body);

let n = 0;
export function claudePre(tool: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    session_id: 'sess-1',
    transcript_path: '/tmp/t.jsonl',
    cwd: '/tmp/project',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse' as const,
    tool_name: tool,
    tool_input: input,
    tool_use_id: `toolu_${++n}`,
    ...extra,
  };
}

export function claudePermission(tool: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { session_id: 'sess-1', transcript_path: '/tmp/t.jsonl', cwd: '/tmp/project', permission_mode: 'default', hook_event_name: 'PermissionRequest' as const, tool_name: tool, tool_input: input, ...extra };
}

/** What `greenlight install` writes: the CommonJS hook, run directly. */
export const HOOK = fileURLToPath(new URL('../../src/hooks/command-hook.cjs', import.meta.url));
/** What older versions installed: the CLI's hook entry. */
export const OLD_HOOK = fileURLToPath(new URL('../../src/cli/hook.js', import.meta.url));

export function runHookProcess(host: string, payload: unknown, env: Record<string, string | undefined>, script = HOOK): Promise<{ code: number | null; out: any; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, host], { env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, out: JSON.parse(out), stderr: err });
      } catch {
        reject(new Error(`hook printed no JSON: ${out} ${err}`));
      }
    });
    child.stdin.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
  });
}

