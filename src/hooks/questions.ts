// AskUserQuestion (1–4 questions, 2–4 options each, multiSelect): one Greenlight question request
// per question, all filed at once so an approver sees them together, each answerable on any
// channel. The tool runs with `answers` keyed by question text (multi-select: comma-separated
// labels), as Claude Code's own dialog fills them.
import type { Gate } from '../core/gate.js';
import type { ApprovalRequest, Principal } from '../core/types.js';
import { callHash, fileOrResume, waitFor, waitingMessage, type EngineOptions, type Filed } from './engine.js';
import { HOST_LABELS, type HookCall, type HookVerdict } from './types.js';

interface AskedQuestion {
  question: string;
  header?: string;
  options: { label: string; description?: string }[];
  multiSelect?: boolean;
}

export function questionsOf(input: Record<string, unknown>): AskedQuestion[] | null {
  const qs = input.questions;
  if (!Array.isArray(qs) || qs.length < 1 || qs.length > 4) return null;
  for (const q of qs) {
    if (!q || typeof q !== 'object' || typeof q.question !== 'string' || !Array.isArray(q.options) || q.options.length < 1 || q.options.length > 26) return null;
    if (!q.options.every((o: unknown) => o && typeof o === 'object' && typeof (o as { label?: unknown }).label === 'string' && (o as { label: string }).label.length > 0)) return null;
  }
  return qs as AskedQuestion[];
}

export const isQuestionCall = (call: HookCall): boolean => call.tool === 'AskUserQuestion' && questionsOf(call.input) !== null;

function bodyFor(call: HookCall, q: AskedQuestion, i: number, n: number) {
  const who = HOST_LABELS[call.host];
  const lines = q.options.map((o, k) => `${String.fromCharCode(65 + k)}. ${o.label}${o.description ? ` — ${o.description}` : ''}`);
  const title = `${who} asks${q.header ? ` (${q.header})` : ''}: ${q.question}`;
  return {
    title: title.length > 200 ? `${title.slice(0, 199)}…` : title,
    action_type: 'question',
    preview: `${q.question}\n\n${lines.join('\n')}${q.multiSelect ? '\n\n(pick one or more)' : ''}\n\nOr answer in your own words.`,
    session_id: call.session_id ? call.session_id.slice(0, 200) : null,
    cwd: call.cwd,
    host: call.machine ?? null,
    context: n > 1 ? `Question ${i + 1} of ${n} from the same AskUserQuestion call.` : null,
    question: {
      options: q.options.map((o) => ({ label: o.label.slice(0, 500), ...(o.description ? { description: o.description.slice(0, 1000) } : {}) })),
      multi_select: Boolean(q.multiSelect),
      allow_free_text: true,
    },
    metadata: { host: call.host, hook_event: call.event, tool: 'AskUserQuestion', question_index: i },
  };
}

/** The text Claude Code expects for one answer: option labels (comma-separated) or free text. */
export function answerText(r: ApprovalRequest): string | null {
  const raw = r.decision?.answer;
  if (raw === null || raw === undefined) return null;
  const byKey = new Map((r.question?.options ?? []).map((o) => [o.key.toUpperCase(), o.label]));
  const keys = Array.isArray(raw) ? raw : [raw];
  if (keys.every((k) => byKey.has(k.toUpperCase()))) return keys.map((k) => byKey.get(k.toUpperCase())!).join(', ');
  return Array.isArray(raw) ? raw.join(', ') : raw;
}

export async function askQuestions(gate: Gate, principal: Principal, call: HookCall, options: EngineOptions): Promise<HookVerdict> {
  const qs = questionsOf(call.input)!;
  const filed: Filed[] = [];
  for (let i = 0; i < qs.length; i++) filed.push(await fileOrResume(gate, principal, bodyFor(call, qs[i], i, qs.length), callHash(call, `q${i}`)));
  const settled = await Promise.all(filed.map((f) => waitFor(gate, principal, f.request, options)));
  const ids = settled.map((r) => r.id).join(', ');
  const pending = settled.filter((r) => r.status === 'pending');
  if (pending.length) return { kind: 'deny', reason: waitingMessage(pending.map((r) => r.id)), requestId: pending[0].id };
  const answers: Record<string, string> = {};
  for (let i = 0; i < qs.length; i++) {
    const r = settled[i];
    const text = r.status === 'answered' || r.status === 'approved' ? answerText(r) : null;
    if (text === null) {
      if (r.status === 'approved' && r.decision?.decided_by_kind === 'policy') {
        // The policy let the question through without an answer: the host's own dialog asks.
        await Promise.all(filed.map((f) => f.delivered()));
        return { kind: 'ask', reason: `Greenlight: the policy allowed AskUserQuestion (${r.decision.decided_by}); answer it here.`, requestId: r.id };
      }
      await Promise.all(filed.map((f) => f.delivered()));
      const who = r.decision ? `${r.decision.decided_by} via ${r.decision.via}` : 'nobody';
      const why = r.decision?.comment ? `: ${r.decision.comment}` : '';
      return { kind: 'deny', reason: `Greenlight: question "${qs[i].question}" was ${r.status} without an answer by ${who}${why} (requests ${ids}).`, requestId: r.id };
    }
    answers[qs[i].question] = text;
  }
  await Promise.all(filed.map((f) => f.delivered()));
  const who = [...new Set(settled.map((r) => `${r.decision!.decided_by} via ${r.decision!.via}`))].join(', ');
  return { kind: 'allow', reason: `Greenlight: answered by ${who} (requests ${ids})`, updatedInput: { ...call.input, answers }, note: null, requestId: settled[0].id };
}
