// ok2run (github.com/Narcooo/ok2run), the Python gate Greenlight replaces, run on this machine for
// side-by-side figures. Its code is not part of this repository: OK2RUN_DIR points at a checkout.
// It runs on Debian's python3-fastapi, python3-uvicorn, python3-sqlalchemy, python3-dotenv,
// python3-pydantic and python3-httpx with TELEGRAM_MOCK=1 (its Telegram sends are skipped), on its
// default SQLite settings (rollback journal, synchronous=FULL: every commit is on disk when it
// returns). uvicorn's access log is off, which only makes ok2run faster.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { benchEnv, type BenchServer } from './bench-server.js';

export const OK2RUN_KEY = 'ok2run-bench-key-0123456789';
export const OK2RUN_PYTHON = process.env.OK2RUN_PYTHON ?? '/usr/bin/python3';

/** What stops ok2run from running here, or null. */
export function ok2runMissing(dir: string | undefined): string | null {
  if (!dir) return 'OK2RUN_DIR is not set: point it at a checkout of github.com/Narcooo/ok2run (outside this repository).';
  if (!existsSync(join(dir, 'src/agent_approval_gate/main.py'))) return `OK2RUN_DIR=${dir} does not hold ok2run (no src/agent_approval_gate/main.py).`;
  const probe = spawnSync(OK2RUN_PYTHON, ['-c', 'import fastapi, uvicorn, sqlalchemy, dotenv, pydantic, httpx'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return `${OK2RUN_PYTHON} cannot import ok2run's dependencies (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}). On Debian: apt-get install python3-fastapi python3-uvicorn python3-sqlalchemy python3-dotenv python3-pydantic python3-httpx (or set OK2RUN_PYTHON).`;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Ok2run extends BenchServer {
  /** The environment ok2run's Claude Code hook script needs to reach this server. */
  hookEnv: NodeJS.ProcessEnv;
  hookScript: string;
}

/** Starts uvicorn with ok2run's app; its database lives in `dataDir`. */
export async function startOk2run(dir: string, dataDir: string): Promise<Ok2run> {
  const port = await freePort();
  const env = benchEnv({ PYTHONPATH: join(dir, 'src'), TELEGRAM_MOCK: '1', APPROVAL_API_KEYS: OK2RUN_KEY, DATABASE_URL: `sqlite:///${join(dataDir, 'ok2run.db')}` });
  const child = spawn(OK2RUN_PYTHON, ['-m', 'uvicorn', 'agent_approval_gate.main:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning', '--no-access-log'], { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`ok2run exited ${child.exitCode}: ${stderr.slice(-800)}`);
    try {
      await fetch(`${url}/docs`);
      break;
    } catch {
      if (i > 150) throw new Error(`ok2run did not answer on ${url} within 15 s: ${stderr.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const hookEnv = benchEnv({ APPROVAL_GATE_URL: url, APPROVAL_API_KEY: OK2RUN_KEY, APPROVAL_CHANNEL: 'telegram', APPROVAL_TG_CHAT_ID: '1', APPROVAL_SESSION_ID: 'bench' });
  return { url, pid: child.pid!, stop: () => void child.kill('SIGTERM'), storedKey: null, hookEnv, hookScript: join(dir, 'scripts/cc_permission_hook.py') };
}

/** The body of ok2run's POST /v1/approvals as its Claude Code hook sends it. */
export const ok2runApproval = (actionType: string, title: string, preview: string) =>
  JSON.stringify({ session_id: 'bench', action_type: actionType, title, preview, channel: 'telegram', target: { tg_chat_id: '1' }, expires_in_sec: 3600 });

async function call(url: string, path: string, body?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${OK2RUN_KEY}`, 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`ok2run ${path} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export const ok2runCreate = async (url: string, body: string) => call(url, '/v1/approvals', body);
export const ok2runGet = async (url: string, id: string) => call(url, `/v1/approvals/${id}`);

/** Decides an approval the way its Telegram/email reply does ("1" allow once, "6" always allow this action type). */
export const ok2runDecide = async (url: string, id: string, code: string) => call(url, '/v1/inbox/email-reply', JSON.stringify({ subject: `Re: ${id}`, body: code }));

/** Files one `actionType` approval and answers it "6": from then on ok2run auto-approves that action type. */
export async function ok2runAlwaysAllow(url: string, actionType: string): Promise<void> {
  const created = await ok2runCreate(url, ok2runApproval(actionType, 'setup', 'always allow'));
  await ok2runDecide(url, String(created.approval_id), '6');
  const probe = await ok2runCreate(url, ok2runApproval(actionType, 'probe', 'probe'));
  if (probe.auto !== true) throw new Error(`ok2run did not auto-approve ${actionType} after an "always" decision: ${JSON.stringify(probe)}`);
}
