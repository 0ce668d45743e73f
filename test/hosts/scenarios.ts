// The scenarios every real agent CLI is put through, written once: the model asks to run
// `rm -rf target` in a scratch project and a human denies it (the directory stays, the model reads
// why), approves it (it is gone), approves an edited command (it runs as edited), or the policy
// allows a harmless command with no human at all. Each host test supplies how to script its model
// and run its CLI; host-specific checks go on the request each scenario returns.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalRequest } from '../../src/core/types.js';
import type { TestServer } from '../helpers/harness.js';
import { decide, nextPending } from '../hooks/helpers.js';
import { beforeExit, filedDuring, project, type Run } from './host-kit.js';

export interface HostUnderTest {
  s: TestServer;
  root: string;
  /** Scripts the model's next tool call: the shell tool running `command`. */
  shell(command: string): void;
  /** Runs the CLI in `dir` with `prompt` to the end. */
  run(dir: string, prompt: string): Promise<Run>;
  /** What the tool calls returned to the model, as the mock saw it (plus, for some hosts, the CLI's output). */
  seen(r: Run): string;
}

async function decided(h: HostUnderTest, command: string, decision: Record<string, unknown>): Promise<{ dir: string; req: ApprovalRequest; r: Run }> {
  const dir = project(h.root);
  h.shell(command);
  const filed = nextPending(h.s);
  const run = h.run(dir, 'clean up the target directory');
  const [req] = await beforeExit(filed, run);
  assert.equal(req.tool, 'Bash');
  assert.equal((req.input as { command?: unknown }).command, command);
  assert.equal(req.cwd, dir);
  await decide(h.s, req.id, decision);
  return { dir, req, r: await run };
}

/** A denied `rm -rf target` leaves the directory, and the model reads the approver's reason. */
export async function deniedLeavesIt(h: HostUnderTest): Promise<ApprovalRequest> {
  const { dir, req, r } = await decided(h, 'rm -rf target', { outcome: 'denied', comment: 'keep target for now' });
  assert.ok(existsSync(join(dir, 'target', 'keep.txt')), 'a denied rm -rf must not run');
  assert.match(h.seen(r), /keep target for now/);
  return req;
}

/** An approved `rm -rf target` removes it. */
export async function approvedRemovesIt(h: HostUnderTest): Promise<{ req: ApprovalRequest; r: Run }> {
  const { dir, req, r } = await decided(h, 'rm -rf target', { outcome: 'approved' });
  assert.equal(r.code, 0, r.stderr.slice(-1500));
  assert.ok(!existsSync(join(dir, 'target')), `target is still there:\n${r.stderr.slice(-1500)}`);
  return { req, r };
}

/** An approver's edited command runs instead of the one asked for. */
export async function editedRunsAsEdited(h: HostUnderTest): Promise<void> {
  const { dir, r } = await decided(h, 'rm -rf target', { outcome: 'approved', updated_input: { command: 'rm -rf target/sub && echo edited-ran' } });
  assert.equal(r.code, 0, r.stderr.slice(-1500));
  assert.ok(existsSync(join(dir, 'target', 'keep.txt')));
  assert.ok(!existsSync(join(dir, 'target', 'sub')), r.stderr.slice(-1500));
  assert.match(h.seen(r), /edited-ran/);
}

/** A command the policy allows runs with no human: nothing pending, one request decided by policy. */
export async function policyAllowsIt(h: HostUnderTest): Promise<void> {
  const dir = project(h.root);
  h.shell('echo greenlight-policy-ok');
  const { result: r, filed } = await filedDuring(h.s, () => h.run(dir, 'say ok'));
  assert.equal(r.code, 0, r.stderr.slice(-1500));
  assert.equal(filed.filter((x) => x.status === 'pending').length, 0);
  assert.equal(filed.find((x) => x.status === 'approved')?.decision?.decided_by_kind, 'policy');
  assert.match(h.seen(r), /greenlight-policy-ok/);
}
