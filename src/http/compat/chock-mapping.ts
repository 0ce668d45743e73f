// Chock's wire shapes (its FastAPI server.py: ApprovalCreate, ConditionField, ApprovalRespond,
// parse_request, the activity table) and how they map onto Greenlight. Pure functions; no I/O.
import type { CreateRequestInput, DecideInput } from '../../core/request-input.js';
import { PRIORITIES, STATUSES, type ApprovalRequest, type ConditionField, type Priority, type Status } from '../../core/types.js';
import { chockResponse, chockTime } from '../../delivery/payloads.js';
import type { AuditEntry } from '../../store/store.js';
import { CompatHttpError, FieldReader, pyList } from './compat-errors.js';

/** Chock's limits, from its pydantic models. */
export const CHOCK_LIMITS = {
  title: 500,
  plan: 10_000,
  requester: 200,
  context: 10_000,
  tags: 50,
  tag: 100,
  callback_url: 2000,
  conditions_schema: 50,
  field_key: 100,
  field_label: 500,
  field_options: 100,
  field_description: 2000,
  responder: 200,
  comment: 10_000,
  conditions: 50,
} as const;

/** Chock's priorities are exactly ours (low|normal|high|critical): the mapping is the identity. */
export const CHOCK_PRIORITIES: readonly Priority[] = PRIORITIES;
/** Chock knows pending|approved|denied|conditional; ours add answered, expired, cancelled, sent as they are. */
export const CHOCK_STATUSES: readonly Status[] = STATUSES;
const RESPOND_STATUSES = ['approved', 'denied', 'conditional'] as const;
type RespondStatus = (typeof RESPOND_STATUSES)[number];

const bad = (message: string) => new CompatHttpError(400, 'VALIDATION_FAILED', message);

export function checkPriority(p: string): Priority {
  if (!(CHOCK_PRIORITIES as readonly string[]).includes(p)) throw bad(`Invalid priority. Use one of: ${pyList(CHOCK_PRIORITIES)}`);
  return p as Priority;
}

export function checkStatus(s: string): Status {
  if (!(CHOCK_STATUSES as readonly string[]).includes(s)) throw bad(`Invalid status. Use one of: ${pyList(CHOCK_STATUSES)}`);
  return s as Status;
}

/** One Chock ConditionField `{key, label, type, options, required, description}` → ours (`name`). */
function readField(raw: unknown, i: number, f: FieldReader): Record<string, unknown> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    f.issues.push({ loc: ['body', 'conditions_schema', i], msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' });
    return null;
  }
  const r = new FieldReader(raw as Record<string, unknown>, ['body', 'conditions_schema', i]);
  const key = r.str('key', { required: true, max: CHOCK_LIMITS.field_key });
  const label = r.str('label', { required: true, max: CHOCK_LIMITS.field_label });
  const type = r.str('type') ?? 'text';
  const options = r.strList('options', { maxItems: CHOCK_LIMITS.field_options }) ?? [];
  const required = r.bool('required') ?? false;
  const description = r.str('description', { max: CHOCK_LIMITS.field_description }) ?? '';
  f.issues.push(...r.issues);
  if (r.issues.length) return null;
  return {
    name: key,
    type,
    label,
    required,
    ...(description ? { description } : {}),
    // Chock keeps `options: []` on every field; ours allows options on select fields only.
    ...(type === 'select' ? { options } : {}),
  };
}

/**
 * Chock's `POST /api/requests` body → Greenlight's create input. `plan` (what the agent will do)
 * becomes the preview approvers see in full; `context` stays context. Throws 422 for Chock's
 * field limits and 400 for an unknown priority, as Chock does.
 */
export function chockCreateToNative(body: Record<string, unknown>): CreateRequestInput {
  const f = new FieldReader(body);
  const title = f.str('title', { required: true, max: CHOCK_LIMITS.title });
  const plan = f.str('plan', { max: CHOCK_LIMITS.plan }) ?? '';
  const requester = f.str('requester', { max: CHOCK_LIMITS.requester }) ?? '';
  const context = f.str('context', { max: CHOCK_LIMITS.context }) ?? '';
  const tags = f.strList('tags', { maxItems: CHOCK_LIMITS.tags, maxEach: CHOCK_LIMITS.tag, eachMessage: 'Value error, Each tag must be 100 characters or fewer' }) ?? [];
  const priority = f.str('priority') ?? 'normal';
  const callbackUrl = f.str('callback_url', { max: CHOCK_LIMITS.callback_url }) ?? '';
  const rawSchema = f.list('conditions_schema', CHOCK_LIMITS.conditions_schema) ?? [];
  const fields = rawSchema.map((x, i) => readField(x, i, f));
  f.done();
  return {
    title: title!,
    preview: plan,
    requester: requester || null,
    context: context || null,
    tags,
    priority: checkPriority(priority),
    callback_url: callbackUrl || null,
    conditions_schema: fields.length ? fields : null,
  };
}

export interface ChockRespond {
  status: RespondStatus;
  responder: string;
  decide: DecideInput;
}

/** Chock's `POST /api/requests/{id}/respond` body → a Greenlight decision. */
export function chockRespondToNative(body: Record<string, unknown>): ChockRespond {
  const f = new FieldReader(body);
  const status = f.str('status', { required: true });
  const responder = f.str('responder', { max: CHOCK_LIMITS.responder }) ?? '';
  const comment = f.str('comment', { max: CHOCK_LIMITS.comment }) ?? '';
  const conditions = f.dict('conditions', CHOCK_LIMITS.conditions) ?? {};
  f.done();
  if (!(RESPOND_STATUSES as readonly string[]).includes(status!)) throw bad("Status must be 'approved', 'denied', or 'conditional'");
  const s = status as RespondStatus;
  const decide: DecideInput = { outcome: s, comment: comment || null };
  // Conditions belong to conditional approvals; Chock's UI sends `{}` with the others.
  if (s === 'conditional' || Object.keys(conditions).length) decide.conditions = conditions;
  return { status: s, responder, decide };
}

/** A Greenlight field in Chock's ConditionField shape (with Chock's defaults filled in). */
function fieldView(fd: ConditionField) {
  return { key: fd.name, label: fd.label ?? '', type: fd.type, options: fd.options ?? [], required: fd.required ?? false, description: fd.description ?? '' };
}

/** A request as Chock's `parse_request` returns it. */
export function chockView(r: ApprovalRequest) {
  return {
    id: r.id,
    title: r.title,
    plan: r.preview,
    requester: r.requester ?? '',
    context: r.context ?? '',
    tags: r.tags,
    priority: r.priority,
    status: r.status,
    callback_url: r.callback_url ?? '',
    conditions_schema: (r.conditions_schema ?? []).map(fieldView),
    response: r.decision ? chockResponse(r, r.updated_at) : null,
    created_at: chockTime(r.created_at),
    updated_at: chockTime(r.updated_at),
  };
}

/** Our audit action in Chock's activity vocabulary (`created`, `responded_approved`, `cancelled`, ...). */
export function chockAction(action: string): string {
  const a = action.startsWith('request.') ? action.slice('request.'.length) : action;
  return ['approved', 'denied', 'conditional', 'answered'].includes(a) ? `responded_${a}` : a;
}

function activityDetails(e: AuditEntry): string {
  const d = e.detail ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const action = chockAction(e.action);
  if (action === 'created') return text(d.title).slice(0, 100);
  if (action.startsWith('responded_')) {
    const comment = text(d.comment);
    return action.slice('responded_'.length) + (comment ? `: ${comment}` : '');
  }
  if (action === 'cancelled') return text(d.reason);
  if (action === 'responder_named') return text(d.responder);
  if (typeof d.reason === 'string') return d.reason;
  return e.detail ? JSON.stringify(e.detail) : '';
}

/** An audit row as a row of Chock's activity table. */
export function activityView(e: AuditEntry) {
  return { id: e.seq, request_id: e.request_id, action: chockAction(e.action), actor: e.actor_name, details: activityDetails(e), timestamp: chockTime(e.at) };
}
