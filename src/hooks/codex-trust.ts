// Codex runs a hook from hooks.json only after the user trusted that exact definition (it keeps a
// hash per hook under [hooks.state] in config.toml; an untrusted hook is skipped without a word).
// `greenlight install codex` trusts the entries it just wrote the way Codex's own /hooks screen
// does: through `codex app-server` — `hooks/list` names each hook with its current hash,
// `config/batchWrite` records that hash as trusted — then lists again to check. Only Greenlight's
// own entries in the file it wrote are touched; Greenlight never computes Codex's hash itself.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { VERSION } from '../version.js';

export interface CodexHook {
  key: string;
  command?: string;
  sourcePath: string;
  currentHash: string;
  trustStatus: 'managed' | 'untrusted' | 'trusted' | 'modified';
  eventName: string;
}

export interface TrustResult {
  /** Keys newly trusted. */
  trusted: string[];
  /** Keys that were trusted already. */
  already: string[];
}

interface Rpc {
  call(method: string, params: unknown): Promise<any>;
  close(): void;
}

function appServer(codexBin: string, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<Rpc> {
  return new Promise((resolve, reject) => {
    const child = spawn(codexBin, ['app-server'], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
    let next = 0;
    const fail = (err: Error) => {
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    };
    const timer = setTimeout(() => {
      fail(new Error(`codex app-server did not answer within ${timeoutMs / 1000} s${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => fail(new Error(`codex app-server exited (${code})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let msg: any;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      const w = typeof msg?.id === 'number' ? waiting.get(msg.id) : undefined;
      if (!w) return;
      waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`codex app-server: ${msg.error.message ?? JSON.stringify(msg.error)}`));
      else w.resolve(msg.result);
    });
    child.on('spawn', () =>
      resolve({
        call(method, params) {
          return new Promise((res, rej) => {
            const id = ++next;
            waiting.set(id, { resolve: res, reject: rej });
            child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
          });
        },
        close() {
          clearTimeout(timer);
          child.stdin.end();
          child.kill();
        },
      }),
    );
  });
}

async function listHooks(rpc: Rpc, cwd: string): Promise<CodexHook[]> {
  const listed = await rpc.call('hooks/list', { cwds: [cwd] });
  return (listed?.data ?? []).flatMap((entry: { hooks?: CodexHook[] }) => entry.hooks ?? []);
}

/**
 * Trusts the hooks in `file` that `ours` recognises, through the Codex binary `codexBin`.
 * Throws with Codex's own message when the app server refuses or a hook stays untrusted.
 */
export async function trustCodexHooks(o: { codexBin: string; file: string; ours: (command: string) => boolean; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<TrustResult> {
  const cwd = o.cwd ?? process.cwd();
  const rpc = await appServer(o.codexBin, o.env ?? process.env, cwd, o.timeoutMs ?? 30_000);
  try {
    await rpc.call('initialize', { clientInfo: { name: 'greenlight', version: VERSION } });
    const mine = (hooks: CodexHook[]) => hooks.filter((h) => h.sourcePath === o.file && typeof h.command === 'string' && o.ours(h.command));
    const before = mine(await listHooks(rpc, cwd));
    if (before.length === 0) throw new Error(`Codex lists no Greenlight hook from ${o.file}; is this the hooks.json Codex reads (CODEX_HOME)?`);
    const pending = before.filter((h) => h.trustStatus === 'untrusted' || h.trustStatus === 'modified');
    if (pending.length) {
      const edits = pending.map((h) => ({ keyPath: `hooks.state.${JSON.stringify(h.key)}.trusted_hash`, mergeStrategy: 'upsert', value: h.currentHash }));
      await rpc.call('config/batchWrite', { edits, reloadUserConfig: true });
    }
    const after = mine(await listHooks(rpc, cwd));
    const still = after.filter((h) => h.trustStatus !== 'trusted' && h.trustStatus !== 'managed');
    if (still.length) throw new Error(`Codex still lists ${still.map((h) => `${h.key} (${h.trustStatus})`).join(', ')} as not trusted.`);
    return { trusted: pending.map((h) => h.key), already: before.filter((h) => !pending.includes(h)).map((h) => h.key) };
  } finally {
    rpc.close();
  }
}
