// `execute_approved`: runs exactly the command a human approved, in one configured directory, with
// a timeout and an output cap. Refuses anything the policy, a grant or a timeout decided.
import { spawn } from 'node:child_process';
import { approvedCommand } from '../client/outcome.js';
import type { WireRequest } from '../client/types.js';
import type { ExecuteApprovedConfig } from './config.js';

export interface ExecResult {
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

/** Why this request may not be executed, or null when it may. */
export function refuseExecution(r: WireRequest): string | null {
  const d = r.decision;
  if (r.status !== 'approved' || !d) return `Request ${r.id} is ${r.status}, not approved: nothing was run.`;
  if (d.decided_by_kind !== 'approver' && d.decided_by_kind !== 'admin') {
    return `Request ${r.id} was approved by ${d.decided_by_kind === 'policy' ? `the policy or a standing grant (${d.decided_by})` : d.decided_by_kind}, not by a human decision of this very request; execute_approved only runs commands a person approved one by one. Run it yourself if your own permissions allow.`;
  }
  if (!approvedCommand(r)) return `Request ${r.id} has no command to run.`;
  return null;
}

export function runApproved(command: string, cfg: ExecuteApprovedConfig): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: cfg.directory!, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let timedOut = false;
    const take = (into: Buffer[]) => (chunk: Buffer) => {
      const room = cfg.max_output_bytes - size;
      if (room <= 0) {
        truncated = true;
        return;
      }
      if (chunk.length > room) truncated = true;
      const part = chunk.subarray(0, room);
      size += part.length;
      into.push(part);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, cfg.timeout_sec * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exit_code: null, signal: null, timed_out: false, stdout: '', stderr: String(e.message), truncated: false });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit_code: code, signal, timed_out: timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), truncated });
    });
  });
}
