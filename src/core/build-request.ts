// Turns validated create input into a stored request, and decide input into a decision.
import { parseConditionsSchema, validateConditions } from './conditions.js';
import { GreenlightError, validation } from './errors.js';
import { newId } from './ids.js';
import { LIMITS, type CreateRequestParsed, type DecideParsed } from './request-input.js';
import type { ApprovalRequest, Decision, Origin, Principal, Question, Status } from './types.js';

export interface RequestDefaults {
  defaultExpiresSec: number;
  maxExpiresSec: number;
  allowApproveOnTimeout: boolean;
}

export function buildQuestion(input: CreateRequestParsed['question']): Question | null {
  if (!input) return null;
  const keys = new Set<string>();
  const options = input.options.map((o, i) => {
    const opt = typeof o === 'string' ? { label: o } : o;
    const key = (('key' in opt && opt.key) || String.fromCharCode(65 + i)).toUpperCase();
    if (keys.has(key)) throw validation(`question option key "${key}" is used twice.`);
    keys.add(key);
    return { key, label: opt.label, ...('description' in opt && opt.description ? { description: opt.description } : {}) };
  });
  const allowFree = input.allow_free_text ?? options.length === 0;
  if (options.length === 0 && !allowFree) throw validation('a question needs options, or allow_free_text: true.');
  if (options.length === 1 && !allowFree) throw validation('a question with a single option is not a choice: give at least two options or allow free text.');
  return { options, multi_select: input.multi_select, allow_free_text: allowFree };
}

export function buildRequest(
  principal: Principal,
  input: CreateRequestParsed,
  ctx: { id?: string; now: number; project: string | null; origin: Origin; defaults: RequestDefaults },
): ApprovalRequest {
  const { now, defaults } = ctx;
  const expiresIn = input.expires_in_sec ?? defaults.defaultExpiresSec;
  if (expiresIn > defaults.maxExpiresSec) throw validation(`expires_in_sec may be at most ${defaults.maxExpiresSec} on this server.`);
  if (input.on_timeout === 'approve' && !defaults.allowApproveOnTimeout) {
    throw new GreenlightError('ON_TIMEOUT_APPROVE_NOT_ALLOWED', 'This server does not let requests approve themselves on timeout (requests.allow_approve_on_timeout is off). Leave on_timeout out: an unanswered request is denied.');
  }
  if (input.metadata && Buffer.byteLength(JSON.stringify(input.metadata)) > LIMITS.metadata_bytes) {
    throw validation(`metadata may be at most ${LIMITS.metadata_bytes} bytes of JSON.`);
  }
  if (input.input !== undefined && Buffer.byteLength(JSON.stringify(input.input) ?? '') > LIMITS.input_bytes) {
    throw validation(`input may be at most ${LIMITS.input_bytes} bytes of JSON.`);
  }
  const question = buildQuestion(input.question);
  const conditionsSchema = parseConditionsSchema(input.conditions_schema);
  return {
    id: ctx.id ?? newId('req', now),
    status: 'pending',
    title: input.title,
    action_type: input.action_type,
    preview: input.preview,
    tool: input.tool ?? null,
    input: input.input ?? null,
    agent: principal.name,
    requester: input.requester ?? null,
    session_id: input.session_id ?? null,
    project: ctx.project,
    cwd: input.cwd ?? null,
    host: input.host ?? null,
    priority: input.priority,
    tags: [...new Set(input.tags)],
    context: input.context ?? null,
    question,
    conditions_schema: conditionsSchema,
    created_at: now,
    updated_at: now,
    expires_at: now + expiresIn * 1000,
    on_timeout: input.on_timeout,
    callback_url: input.callback_url ?? null,
    idempotency_key: input.idempotency_key ?? null,
    channel: input.channel ?? null,
    target: input.target ?? null,
    origin: ctx.origin,
    policy: null,
    decision: null,
    metadata: input.metadata ?? null,
    workflow: null,
  };
}

/** Checks a human's decision against the request it decides and returns the stored form. */
export function buildDecision(request: ApprovalRequest, input: DecideParsed, by: { name: string; kind: Decision['decided_by_kind'] }, via: string, now: number): { status: Status; decision: Decision } {
  let conditions: Decision['conditions'] = null;
  let answer: Decision['answer'] = null;
  if (input.outcome === 'conditional') {
    conditions = validateConditions(request.conditions_schema, input.conditions ?? {});
  } else if (input.conditions && Object.keys(input.conditions).length > 0) {
    throw new GreenlightError('CONDITIONS_INVALID', 'conditions belong to a conditional approval: use outcome "conditional".');
  }
  if (input.outcome === 'answered') {
    answer = validateAnswer(request.question, input.answer);
  } else if (input.answer !== undefined && input.answer !== null) {
    if (input.outcome !== 'approved') throw new GreenlightError('ANSWER_INVALID', 'Only an approval or an answer can carry an answer.');
    answer = typeof input.answer === 'string' ? input.answer : input.answer.join(',');
  }
  if (input.outcome === 'denied' && input.updated_input !== undefined) {
    throw validation('A denial cannot carry an edited action (updated_input).');
  }
  if (input.outcome === 'denied' && input.scope !== 'once') {
    throw validation('A denial is always for this request only (scope "once").');
  }
  return {
    status: input.outcome,
    decision: {
      outcome: input.outcome,
      scope: input.scope,
      comment: input.comment ?? null,
      conditions,
      answer,
      updated_input: input.updated_input ?? null,
      decided_by: by.name,
      decided_by_kind: by.kind,
      via,
      decided_at: now,
    },
  };
}

function validateAnswer(question: Question | null, raw: DecideParsed['answer']): string | string[] {
  const bad = (m: string) => new GreenlightError('ANSWER_INVALID', m);
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0)) {
    throw bad('An answer is required: give an option key or free text in "answer".');
  }
  if (!question) {
    if (typeof raw !== 'string') throw bad('This request asked no question with options; answer with text.');
    return raw;
  }
  const keys = new Map(question.options.map((o) => [o.key.toUpperCase(), o.key]));
  const picked = (Array.isArray(raw) ? raw : [raw]).map((x) => keys.get(x.trim().toUpperCase()));
  if (picked.every((k) => k !== undefined)) {
    const unique = [...new Set(picked as string[])];
    if (unique.length > 1 && !question.multi_select) throw bad('This question takes one option only.');
    return question.multi_select ? unique : unique[0];
  }
  if (Array.isArray(raw)) throw bad(`Unknown option. Options are: ${[...keys.values()].join(', ')}.`);
  if (!question.allow_free_text) throw bad(`Pick one of the options (${[...keys.values()].join(', ')}); this question does not take free text.`);
  return raw;
}
