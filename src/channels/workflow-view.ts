// What a request's workflow (src/core/workflow.ts) means for one channel: whom it has asked there
// so far, which chats or topics its ladder posted to, whom the step an event started asks now, and
// the progress lines every channel shows ("1 of 2 approvals — alice approved", "Step 2 of 3: …").
// Channels ask these instead of reading the workflow, so Telegram, email, ntfy, the dashboard and
// the chat channels still to come (Slack, Discord) ask the same people and say the same thing.
import type { ApprovalRequest, RequestEvent } from '../core/types.js';
import { progressText, workflowLines, type StartedStep, type Workflow } from '../core/workflow.js';

const onChannel = (wf: Workflow, s: StartedStep, channel: string | undefined) => {
  const plan = wf.ladder!.steps[s.step];
  return channel === undefined || plan.channels === null || plan.channels.includes(channel);
};

/**
 * The approvers a workflow request is shown to on `channel` (every channel when undefined): with
 * a ladder, the people of the steps started so far whose step uses that channel; without one,
 * everyone eligible to vote. Null when the request has no workflow (the channel's own routing).
 */
export function workflowAudience(r: Pick<ApprovalRequest, 'workflow'>, channel?: string): string[] | null {
  const wf = r.workflow;
  if (!wf) return null;
  if (!wf.ladder) return [...wf.eligible];
  const names: string[] = [];
  for (const s of wf.ladder.started) if (onChannel(wf, s, channel)) for (const p of s.paged) if (!names.includes(p.name)) names.push(p.name);
  return names;
}

/** The chats, topics or addresses on `channel` the ladder's started steps posted to (null: no ladder, use the channel's own routing). */
export function ladderTargets(r: Pick<ApprovalRequest, 'workflow'>, channel: string): string[] | null {
  const wf = r.workflow;
  if (!wf?.ladder) return null;
  const out: string[] = [];
  for (const s of wf.ladder.started) for (const t of wf.ladder.steps[s.step].targets) if (t.channel === channel && !out.includes(t.target)) out.push(t.target);
  return out;
}

/** Whom and where the ladder step this event started asks on `channel` now; null unless the event started a step. */
export function stepStarted(event: RequestEvent, channel: string): { approvers: string[]; targets: string[] } | null {
  const wf = event.request.workflow;
  if (event.step === undefined || !wf?.ladder) return null;
  const started = [...wf.ladder.started].reverse().find((s) => s.step === event.step);
  if (!started) return null;
  const plan = wf.ladder.steps[started.step];
  return {
    approvers: onChannel(wf, started, channel) ? started.paged.map((p) => p.name) : [],
    targets: plan.targets.filter((t) => t.channel === channel).map((t) => t.target),
  };
}

/** The lines a card shows while the request is pending (approvals so far, the ladder's step), or once settled the approvals that decided it. */
export function progressLines(r: Pick<ApprovalRequest, 'workflow' | 'status'>): string[] {
  const lines = workflowLines(r.workflow);
  return r.status === 'pending' ? lines : lines.slice(0, r.workflow && (r.workflow.quorum.required > 1 || r.workflow.votes.length) ? 1 : 0);
}

/** What a chat channel tells an approver whose vote left the request pending ("Your vote counted: 1 of 2 approvals — alice approved."); null once it is settled. */
export function voteCountedText(r: Pick<ApprovalRequest, 'workflow' | 'status'>): string | null {
  return r.status === 'pending' && r.workflow ? `🗳 Your vote counted: ${progressText(r.workflow)}. The request waits for more approvals.` : null;
}
