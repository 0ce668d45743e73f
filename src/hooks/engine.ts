// The server side of every hook: a host-neutral tool call → a gate request (found again when the
// same call comes back: park and resume) → wait up to the host's budget → a verdict.
import { canonicalJson } from '../core/audit-chain.js';
import { sha256Hex } from '../core/sha256.js';
import type { Gate } from '../core/gate.js';
import type { CreateRequestInput } from '../core/request-input.js';
import type { ApprovalRequest, Principal } from '../core/types.js';
import { applyEdit } from '../core/edit.js';
import { actionSha256, receiptRef } from '../receipts/receipt.js';
import { previewOf, titleOf } from './preview.js';
import { HOST_LABELS, type HookCall, type HookVerdict } from './types.js';
import { askQuestions, isQuestionCall } from './questions.js';

export interface EngineOptions {
  /** How long to block for a human before answering "retry later". */
  waitSec: number;
  signal?: AbortSignal;
  /** Whether the host can run an edited input. */
  canEditInput: boolean;
  /**
   * Keep waiting past `waitSec` until the request is settled (it expires at the latest) or the
   * signal aborts: for callers that can block as long as a human takes (Greenlight's own sessions).
   */
  untilSettled?: boolean;
  /** The host asks again with PermissionRequest after PreToolUse let a call through (Codex). */
  asksTwice?: boolean;
}

/** Waits for a human on `request` as the options say; returns it settled or still pending. */
export async function waitFor(gate: Gate, principal: Principal, request: ApprovalRequest, options: EngineOptions): Promise<ApprovalRequest> {
  let r = request;
  do {
    if (r.status !== 'pending') return r;
    r = await gate.wait(principal, r.id, options.waitSec * 1000, options.signal);
  } while (options.untilSettled && !options.signal?.aborted);
  return r;
}

const CONTEXT_MAX = 10_000;

/** Same session, host, tool, input and cwd → same hash: the park-and-resume identity of a call. */
export function callHash(call: HookCall, extra = ''): string {
  // The machine only when known, so a call without one hashes as it did before hosts were sent.
  const subject = { h: call.host, s: call.session_id, t: call.tool, i: call.input, c: call.cwd, x: extra, ...(call.machine ? { m: call.machine } : {}) };
  return sha256Hex(canonicalJson(subject)).slice(0, 40);
}

export interface Filed {
  request: ApprovalRequest;
  /** Call once the decision reached the agent: the next identical call files a new request. */
  delivered(): Promise<void>;
}

/**
 * Files the call, or finds the request an earlier identical call left waiting for a human. Such a
 * request is parked under the idempotency key `hook:<hash>` until its decision has been delivered
 * once (`delivered()` lets go of the key), so a decision is never reused for a later, separate
 * call. A call the policy decides at once is never parked: it costs one write and leaves nothing
 * behind but its request row.
 */
export async function fileOrResume(gate: Gate, principal: Principal, body: CreateRequestInput, hash: string): Promise<Filed> {
  const store = gate.deps.store;
  const parkKey = `hook:${hash}`;
  for (let attempt = 0; ; attempt++) {
    const { request, created } = await gate.request(principal, body, { origin: 'native', parkKey });
    if (request.idempotency_key !== parkKey) return { request, delivered: async () => {} };
    const release = async () => {
      await store.releaseIdempotencyKey(request.id, parkKey);
    };
    const stale = !created && (request.status === 'expired' || request.status === 'cancelled');
    if (stale && attempt < 3) {
      // Nobody decided the parked request in time: this call is a fresh ask, not a pickup.
      await release();
      continue;
    }
    return { request, delivered: release };
  }
}

export function requestBody(call: HookCall): CreateRequestInput {
  const plan = call.tool === 'ExitPlanMode' && typeof call.input.plan === 'string' ? call.input.plan : null;
  return {
    title: titleOf(call),
    action_type: 'tool_call',
    preview: previewOf(call),
    tool: call.tool,
    input: call.input,
    session_id: call.session_id ? call.session_id.slice(0, 200) : null,
    cwd: call.cwd,
    host: call.machine ?? null,
    context: plan ? (plan.length > CONTEXT_MAX ? `${plan.slice(0, CONTEXT_MAX - 80)}\n… [plan cut; the full plan is in the preview]` : plan) : null,
    metadata: {
      host: call.host,
      hook_event: call.event,
      ...(call.hostTool !== call.tool ? { host_tool: call.hostTool } : {}),
      ...(call.permission_mode ? { permission_mode: call.permission_mode } : {}),
      ...(call.turn_id ? { turn_id: call.turn_id.slice(0, 200) } : {}),
    },
  };
}

export const waitingMessage = (ids: string[]) =>
  `waiting for human approval on request ${ids.join(', ')} — retry the same action later (the decision is picked up then).`;

/** Decides one tool call: policy at once, else a human within `waitSec`. */
export async function decideCall(gate: Gate, principal: Principal, call: HookCall, options: EngineOptions): Promise<HookVerdict> {
  if (isQuestionCall(call)) return askQuestions(gate, principal, call, options);
  if (options.asksTwice && call.event === 'PermissionRequest') {
    const carried = await decidedAtPreToolUse(gate, principal, call);
    if (carried) return carried;
  }
  const filed = await fileOrResume(gate, principal, requestBody(call), callHash(call));
  const request = await waitFor(gate, principal, filed.request, options);
  if (request.status === 'pending') return { kind: 'deny', reason: waitingMessage([request.id]), requestId: request.id };
  const verdict = verdictOf(call, request, options.canEditInput, { requireReceipt: Boolean(gate.deps.receipts) });
  await filed.delivered();
  return verdict;
}

const CARRY_WINDOW_MS = 3_600_000;

/** The command a settled request let run: the approver's edit if there was one. */
function commandRun(r: ApprovalRequest): unknown {
  const edited = r.decision?.updated_input;
  if (typeof edited === 'string') return edited;
  if (edited && typeof edited === 'object' && 'command' in edited) return (edited as { command: unknown }).command;
  return r.input && typeof r.input === 'object' ? (r.input as { command?: unknown }).command : undefined;
}

/**
 * Codex's PermissionRequest for a command its PreToolUse hook already let through in the same turn
 * (same agent, session and command): the decision made there answers it, so a human is never asked
 * twice for one call. Anything else — another turn, another command, a denial — is decided afresh.
 */
async function decidedAtPreToolUse(gate: Gate, principal: Principal, call: HookCall): Promise<HookVerdict | null> {
  if (!call.turn_id || !call.session_id || typeof call.input.command !== 'string') return null;
  const session = call.session_id.slice(0, 200);
  const page = await gate.list(principal, { status: ['approved', 'conditional'], created_from: gate.deps.clock.now() - CARRY_WINDOW_MS, limit: 50 });
  const earlier = page.items.find((r) => {
    const m = (r.metadata ?? {}) as Record<string, unknown>;
    return r.agent === principal.name && r.session_id === session && m.host === call.host && m.hook_event === 'PreToolUse' && m.turn_id === call.turn_id && commandRun(r) === call.input.command;
  });
  if (!earlier) return null;
  return { kind: 'allow', reason: `Greenlight: ${byWhom(earlier)} already approved this command at PreToolUse (request ${earlier.id})`, updatedInput: null, note: null, requestId: earlier.id };
}

function byWhom(r: ApprovalRequest): string {
  const d = r.decision!;
  if (d.decided_by_kind === 'policy') return `policy (${d.decided_by})`;
  return `${d.decided_by} via ${d.via}`;
}

/**
 * Null when the action about to be allowed — the host's call, or the input the approver edited it
 * into — hashes to what the request's receipt signed; else why not (the hook then denies).
 */
export function actionMismatch(call: Pick<HookCall, 'tool' | 'input' | 'cwd'>, r: ApprovalRequest, editedInput: Record<string, unknown> | null): string | null {
  const receipt = r.receipt;
  if (!receipt) return `Greenlight: request ${r.id} was approved but has no signed receipt to check the action against (ACTION_MISMATCH); not allowed. Ask again.`;
  const field = editedInput ? 'edited_action_sha256' : 'action_sha256';
  const expected = editedInput ? receipt.edited_action_sha256 : receipt.action_sha256;
  const actual = actionSha256(call.tool, editedInput ?? call.input, call.cwd);
  if (actual === expected) return null;
  return `Greenlight: the action about to run (sha256 ${actual.slice(0, 16)}…) is not the action approved in request ${r.id} (receipt ${field} ${String(expected).slice(0, 16)}…): it changed after the approver saw it (ACTION_MISMATCH); not allowed. Ask again.`;
}

/**
 * A settled request → the verdict the agent gets. With `requireReceipt` (a server that signs
 * receipts), an allow is given only for the action the receipt signed.
 */
export function verdictOf(call: Pick<HookCall, 'tool' | 'input' | 'host' | 'cwd'>, r: ApprovalRequest, canEditInput: boolean, options: { requireReceipt?: boolean } = {}): HookVerdict {
  const d = r.decision;
  const id = r.id;
  if ((r.status === 'approved' || r.status === 'conditional') && d) {
    const checked = (verdict: HookVerdict): HookVerdict => {
      if (verdict.kind !== 'allow' || (!options.requireReceipt && !r.receipt)) return verdict;
      const mismatch = actionMismatch(call, r, verdict.updatedInput);
      if (mismatch) return { kind: 'deny', reason: mismatch, requestId: id };
      return { ...verdict, reason: `${verdict.reason} — ${receiptRef(r.receipt!)}`, receipt: r.receipt! };
    };
    const notes: string[] = [];
    if (d.comment && d.decided_by_kind !== 'policy') notes.push(`Approver's note: ${d.comment}`);
    if (d.conditions) notes.push(`Approved on these conditions: ${JSON.stringify(d.conditions)}`);
    const note = notes.length ? notes.join('\n') : null;
    const reason = d.decided_by_kind === 'policy' ? `Greenlight: allowed by ${byWhom(r)}: ${d.comment ?? ''}`.trim() : `Greenlight: approved by ${byWhom(r)} (request ${id})`;
    if (d.updated_input === null || d.updated_input === undefined) return checked({ kind: 'allow', reason, updatedInput: null, note, requestId: id });
    const edited = applyEdit(call.tool, call.input, d.updated_input);
    if (!edited) return { kind: 'deny', reason: `Greenlight: ${byWhom(r)} approved an edited action that cannot be applied to ${call.tool} (request ${id}): ${JSON.stringify(d.updated_input).slice(0, 500)}`, requestId: id };
    if (!canEditInput) {
      const shown = call.tool === 'Bash' && typeof edited.command === 'string' ? `this command instead: ${edited.command}` : `this input instead: ${JSON.stringify(edited).slice(0, 2000)}`;
      return { kind: 'deny', reason: `Greenlight: ${byWhom(r)} approved an edited version (request ${id}); ${HOST_LABELS[call.host]} cannot run edits from a hook, so run ${shown}`, requestId: id };
    }
    return checked({ kind: 'allow', reason: `${reason}, edited by the approver`, updatedInput: edited, note, requestId: id });
  }
  if (r.status === 'answered' && d) {
    const answer = Array.isArray(d.answer) ? d.answer.join(', ') : (d.answer ?? '');
    return { kind: 'deny', reason: `Greenlight: ${byWhom(r)} answered instead of approving (request ${id}): ${answer}`, requestId: id };
  }
  const ref = r.receipt ? ` — ${receiptRef(r.receipt)}` : '';
  if (r.status === 'denied' && d) {
    const why = d.comment ? `: ${d.comment}` : '';
    return { kind: 'deny', reason: `Greenlight: denied by ${byWhom(r)}${why} (request ${id})${ref}`, requestId: id };
  }
  if (r.status === 'expired') return { kind: 'deny', reason: `Greenlight: request ${id} expired before anyone decided; it was not approved.${ref}`, requestId: id };
  return { kind: 'deny', reason: `Greenlight: request ${id} was ${r.status}; it was not approved.`, requestId: id };
}
