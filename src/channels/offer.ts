// What a request offers an approver, whatever the channel: ONE model of the choices (approve once,
// for the session, always, accept all from the policy's suggestions, with conditions, edit then
// approve, deny, deny with a reason, answer with an option / several / free text), the input each
// needs after it is chosen (a reason, the edited action, the conditions form, the answer), and
// which are held back because the approver could not see the whole action. Every channel
// (Telegram, email, the dashboard, ntfy, and any added later) renders these choices and carries
// them; none decides on its own what a request offers. A channel may show fewer (a push
// notification has room for two buttons) but never more, and `decisionFor` turns a choice and its
// inputs into the one body `gate.decide` takes, so no channel builds decisions by hand.
//
// Compiled into the dashboard's browser build too: import only ./action.ts, src/text/ and
// src/core/step-up.ts, no Node, no DOM; other core modules by `import type` only.
import type { ConditionField, ConditionValue, QuestionOption } from '../core/types.js';
import { actionAsItRuns, json, type ActionSource } from './action.js';
import { parseCode } from '../core/step-up.js';

/** The fields of a request an offer is made from (the server's and the dashboard's shapes both fit). */
export interface OfferSource extends ActionSource {
  /** Who filed it: they never decide it (FILER_CANNOT_DECIDE). */
  agent: string;
  session_id: string | null;
  question: { options: QuestionOption[]; multi_select: boolean; allow_free_text: boolean } | null;
  conditions_schema: ConditionField[] | null;
  policy: { dangerous?: boolean; suggestions?: unknown; step_up?: boolean } | null;
  /** Set on the copy a channel shows when secrets were masked in it (src/secrets/mask-request.ts). */
  masked?: { count: number; holdOneTap: boolean };
  /** A workflow that needs several approvals takes plain approve / deny votes only (src/core/workflow.ts). */
  workflow?: { quorum: { required: number } } | null;
}

/** What stands in for a masked secret (src/secrets/scanner.ts writes it). */
const MASK_MARK = '⟦secret hidden: ';

export type ChoiceKind =
  /** Approve this request once. */
  | 'approve'
  /** Approve, and let the agent repeat exactly this action for the rest of its session. */
  | 'session'
  /** Approve, and let the agent repeat exactly this action from now on. */
  | 'always'
  /** Approve, and accept all of what one of the policy's suggestions covers for the session. */
  | 'grant'
  /** Approve with conditions (the conditions form). */
  | 'conditional'
  /** Edit the action, then approve the edit once. */
  | 'edit'
  | 'deny'
  /** Deny, saying why (the reason is asked for). */
  | 'deny_reason'
  /** Answer a question with one option. */
  | 'option'
  /** Answer a multi-select question with the options picked. */
  | 'select'
  /** Answer in the approver's own words. */
  | 'answer';

export type GrantKind = 'tool' | 'prefix' | 'edits' | 'read-dir' | 'domain';

/** An "Accept all …" the policy suggested (server-made, never the agent's). */
export interface GrantOffer {
  /** Its place among the suggestions shown (what a button carries). */
  index: number;
  kind: GrantKind;
  rule: string;
  /** The variable part of the label, taken from the rule itself (what you see is what you grant). */
  subject: string;
}

export type EditFormat = 'command' | 'json' | 'text';

/** What a choice asks for after it is chosen. */
export type InputSpec =
  | { kind: 'reason' }
  | { kind: 'edit'; format: EditFormat; current: string }
  | { kind: 'conditions'; fields: ConditionField[] }
  | { kind: 'selection'; options: QuestionOption[] }
  | { kind: 'answer' }
  /** The approver's 6-digit second-factor code (step-up; src/core/step-up.ts). */
  | { kind: 'code' };

export interface Choice {
  /** The same on every channel: `approve`, `session`, `always`, `grant:1`, `conditional`, `edit`, `deny`, `deny_reason`, `option:B`, `select`, `answer`. */
  id: string;
  kind: ChoiceKind;
  /**
   * It approves the action as the agent sent it, so the approver must have seen all of it. An edit
   * approves what the approver wrote instead, so it does not count.
   */
  approves: boolean;
  /** What the approver gives after choosing; null: choosing decides. */
  input: InputSpec | null;
  grant?: GrantOffer;
  /** The option an `option` choice answers with (agent text: escape it). */
  option?: QuestionOption;
}

export interface Offer {
  /** Every choice the request offers, in the order channels show them. */
  choices: Choice[];
  /** The channel could not show the whole action: no choice that approves may be one tap. */
  truncated: boolean;
  /** The viewer filed the request: nothing is offered to them; show FILER_NOTE instead. */
  filer: boolean;
  /** Approving needs the approver's second factor: channels say STEP_UP_NOTE and ask for the code. */
  stepUp: boolean;
}

/** What every channel shows on a request whose approval needs a second factor. */
export const STEP_UP_NOTE = 'Needs your code: approving asks for the 6-digit code from your authenticator app.';

/** What a channel says instead of choices to the approver who filed the request. */
export const FILER_NOTE = 'You filed this request; another approver decides it.';

export interface OfferOptions {
  /** The channel had to cut the action (its own layout decides); wins over maxActionChars. */
  truncated?: boolean;
  /** Or: the longest block of action text the channel shows whole. */
  maxActionChars?: number;
  /** The approver the offer is for, when the channel knows: the request's filer is offered nothing. */
  viewer?: string;
}

/** Whether showing at most `max` characters of each block cuts the action, the agent's description or the input. */
export function cutsAction(r: ActionSource, max: number): boolean {
  const a = actionAsItRuns(r);
  return [a.text, a.description ?? '', a.inputJson ?? ''].some((t) => t.length > max);
}

const KINDS: readonly GrantKind[] = ['tool', 'prefix', 'edits', 'read-dir', 'domain'];

/** The policy's grant suggestions as offers: none for plain actions (no tool) or dangerous ones; at most five. */
export function grantOffers(r: Pick<OfferSource, 'tool' | 'policy'>): GrantOffer[] {
  if (r.tool === null || r.policy?.dangerous) return [];
  const raw = r.policy?.suggestions;
  if (!Array.isArray(raw)) return [];
  const out: GrantOffer[] = [];
  for (const s of raw.slice(0, 5)) {
    if (typeof s !== 'object' || s === null) continue;
    const { kind, rule } = s as { kind?: unknown; rule?: unknown };
    if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind) || typeof rule !== 'string' || rule.length === 0 || rule.length > 500) continue;
    out.push({ index: out.length, kind: kind as GrantKind, rule, subject: subjectOf(kind as GrantKind, rule) });
  }
  return out;
}

function subjectOf(kind: GrantKind, rule: string): string {
  const m = /^([A-Za-z0-9_]+)\((.*)\)$/s.exec(rule);
  const spec = m ? m[2] : null;
  switch (kind) {
    case 'prefix':
      return spec && spec.endsWith(' *') ? spec.slice(0, -2) : rule;
    case 'edits':
    case 'read-dir':
      return spec ? spec.replace(/^\/(?=\/)/, '').replace(/\/\*\*$/, '/') : rule;
    case 'domain':
      return spec && spec.startsWith('domain:') ? spec.slice(7) : rule;
    case 'tool':
      return rule;
  }
}

const plainObject = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/**
 * What "edit, then approve" edits, or null when the request takes no edit (questions): the shell
 * command of a Bash call (or of a plain action whose input carries one), the input as JSON of any
 * other tool call, or the agent's text of a plain action.
 */
export function editFormatOf(r: Pick<OfferSource, 'tool' | 'input' | 'question'>): EditFormat | null {
  if (r.question) return null;
  const input = plainObject(r.input);
  if (input && typeof input.command === 'string' && (r.tool === 'Bash' || !r.tool)) return 'command';
  if (r.tool) return input ? 'json' : null;
  return 'text';
}

/** The text an edit starts from. */
export function editStart(r: Pick<OfferSource, 'tool' | 'input' | 'question' | 'preview'>): string {
  switch (editFormatOf(r)) {
    case 'command':
      return String((r.input as { command: string }).command);
    case 'json':
      return json(r.input);
    default:
      return r.preview;
  }
}

/** The action as the approver edited it, or an error saying what is wrong with the text. */
export function editedAction(r: Pick<OfferSource, 'tool' | 'input' | 'question'>, text: string): { value: unknown } | { error: string } {
  const format = editFormatOf(r);
  if (text.includes(MASK_MARK)) return { error: 'The edit still holds a masked secret (⟦secret hidden: …⟧), which would run as that text: edit the request on the dashboard, where the whole action is shown.' };
  if (format === 'command') return { value: { ...(r.input as Record<string, unknown>), command: text } };
  if (format === 'text') return { value: text };
  if (format === 'json') {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      return { error: `The input is not valid JSON: ${(e as Error).message}` };
    }
    return plainObject(v) ? { value: v } : { error: 'The input must be a JSON object.' };
  }
  return { error: 'This request cannot be edited.' };
}

const choice = (id: string, kind: ChoiceKind, approves: boolean, input: InputSpec | null, extra: Partial<Choice> = {}): Choice => ({ id, kind, approves, input, ...extra });

/**
 * The choices a request offers. A question is answered (its options, several of them, or free
 * text) or denied. Anything else is approved — once; for the session and always unless the guard
 * flagged it dangerous; "accept all" for what the policy suggested; with conditions when the agent
 * sent a form; as edited — or denied, with or without a reason. Nothing is offered to the approver
 * who filed it (`viewer`): channels say FILER_NOTE instead.
 */
export function offerFor(r: OfferSource, options: OfferOptions = {}): Offer {
  // A masked secret that may hide the action's structure (or a server that holds back one tap for
  // any masked secret) counts as a cut; an edit of a masked action is made on the dashboard.
  const masked = r.masked && r.masked.count > 0 ? r.masked : null;
  const truncated = (options.truncated ?? (options.maxActionChars !== undefined && cutsAction(r, options.maxActionChars))) || masked?.holdOneTap === true;
  const stepUp = !r.question && r.policy?.step_up === true;
  if (options.viewer !== undefined && options.viewer === r.agent) return { choices: [], truncated, filer: true, stepUp };
  const choices: Choice[] = [];
  const q = r.question;
  if (stepUp) {
    // Each approval needs its own second factor: approve once with the code, or deny.
    choices.push(choice('approve', 'approve', true, { kind: 'code' }));
  } else if (q) {
    if (q.multi_select) choices.push(choice('select', 'select', false, { kind: 'selection', options: q.options }));
    else for (const o of q.options) choices.push(choice(`option:${o.key}`, 'option', false, null, { option: o }));
    if (q.allow_free_text) choices.push(choice('answer', 'answer', false, { kind: 'answer' }));
  } else if ((r.workflow?.quorum.required ?? 1) > 1) {
    // Each approver's vote counts the same: the action as sent, once (no grants, edits or conditions).
    choices.push(choice('approve', 'approve', true, null));
  } else {
    const dangerous = r.policy?.dangerous === true;
    choices.push(choice('approve', 'approve', true, null));
    if (r.session_id && !dangerous) choices.push(choice('session', 'session', true, null));
    if (!dangerous) choices.push(choice('always', 'always', true, null));
    for (const g of grantOffers(r)) choices.push(choice(`grant:${g.index}`, 'grant', true, null, { grant: g }));
    if (r.conditions_schema?.length) choices.push(choice('conditional', 'conditional', true, { kind: 'conditions', fields: r.conditions_schema }));
    const format = editFormatOf(r);
    if (format && !masked) choices.push(choice('edit', 'edit', false, { kind: 'edit', format, current: editStart(r) }));
  }
  choices.push(choice('deny', 'deny', false, null));
  choices.push(choice('deny_reason', 'deny_reason', false, { kind: 'reason' }));
  return { choices, truncated, filer: false, stepUp };
}

/** The choice with this id, or null when the request does not offer it. */
export function findChoice(offer: Offer, id: string): Choice | null {
  return offer.choices.find((c) => c.id.toLowerCase() === id.toLowerCase()) ?? null;
}

/**
 * What one tap (a button, a link that decides at once) may do on a channel that showed this offer:
 * choices that need no input, and none that approves when the action was cut.
 */
export const oneTap = (offer: Offer): Choice[] => offer.choices.filter((c) => c.input === null && !(offer.truncated && c.approves));

/** What the approver gave with a choice. */
export interface Given {
  /** A note to the agent (any choice), or the reason of a denial. */
  comment?: string | null;
  /** The edited action's text (edit). */
  edited?: string;
  /** Field → value as typed (conditional); checked against the schema by the gate. */
  conditions?: Record<string, unknown>;
  /** Option keys picked (select). */
  selected?: readonly string[];
  /** Free text (answer; with select, it is sent as the comment). */
  answer?: string;
  /** Limits on the grant a session / always / accept-all choice creates, which the gate enforces ("for 30 minutes", "at most 3 times"). */
  limits?: GrantLimitsBody;
  /** The second-factor code as typed (a choice whose input is `code`); the server checks it. */
  code?: string;
  /** Or a passkey's answer (the dashboard), instead of a code. */
  passkey?: unknown;
}

export interface GrantLimitsBody {
  expires_in_sec?: number | null;
  max_uses?: number | null;
  path_prefix?: string | null;
  /** "Only on this host": the request's own host. */
  host?: string | null;
}

/** The body gate.decide takes (POST /v1/requests/{id}/decision); core/request-input.ts validates it. */
export interface DecisionBody {
  outcome: 'approved' | 'denied' | 'conditional' | 'answered';
  scope?: 'once' | 'session' | 'always';
  comment?: string | null;
  conditions?: Record<string, unknown>;
  answer?: string | string[];
  updated_input?: unknown;
  grant_rule?: string;
  grant_limits?: GrantLimitsBody;
  step_up?: { code: string } | { passkey: unknown };
}

export type Decision = { ok: true; input: DecisionBody } | { ok: false; error: string };

const MAX_TEXT = 10_000;
const trimmed = (s: string | null | undefined): string | null => (s && s.trim() ? s.trim().slice(0, MAX_TEXT) : null);

/** The body for gate.decide that a choice and what came with it stand for, or what is missing. */
export function decisionFor(r: OfferSource, c: Choice, given: Given = {}): Decision {
  const comment = trimmed(given.comment);
  const ok = (input: DecisionBody): Decision => ({ ok: true, input });
  const limits = given.limits && (given.limits.expires_in_sec || given.limits.max_uses || given.limits.path_prefix || given.limits.host) ? { grant_limits: { ...given.limits } } : {};
  switch (c.kind) {
    case 'approve':
      if (c.input?.kind === 'code') {
        if (given.passkey !== undefined) return ok({ outcome: 'approved', scope: 'once', comment, step_up: { passkey: given.passkey } });
        const code = parseCode(given.code ?? '');
        return 'error' in code ? { ok: false, error: code.error } : ok({ outcome: 'approved', scope: 'once', comment, step_up: { code: code.code } });
      }
      return ok({ outcome: 'approved', scope: 'once', comment });
    case 'session':
      return ok({ outcome: 'approved', scope: 'session', comment, ...limits });
    case 'always':
      return ok({ outcome: 'approved', scope: 'always', comment, ...limits });
    case 'grant':
      return ok({ outcome: 'approved', scope: 'session', grant_rule: c.grant!.rule, comment, ...limits });
    case 'conditional':
      return ok({ outcome: 'conditional', conditions: given.conditions ?? {}, comment });
    case 'edit': {
      if (given.edited === undefined) return { ok: false, error: 'Send the edited action.' };
      const edited = editedAction(r, given.edited);
      return 'error' in edited ? { ok: false, error: edited.error } : ok({ outcome: 'approved', scope: 'once', updated_input: edited.value, comment });
    }
    case 'deny':
      return ok({ outcome: 'denied', comment });
    case 'deny_reason':
      return comment ? ok({ outcome: 'denied', comment }) : { ok: false, error: 'Say why you deny it.' };
    case 'option':
      return ok({ outcome: 'answered', answer: c.option!.key, comment });
    case 'select':
    case 'answer': {
      const picked = (given.selected ?? []).filter(Boolean);
      const text = trimmed(given.answer);
      if (picked.length && text) return ok({ outcome: 'answered', answer: [...picked], comment: text });
      if (picked.length) return ok({ outcome: 'answered', answer: [...picked], comment });
      if (text && (c.kind === 'answer' || r.question?.allow_free_text)) return ok({ outcome: 'answered', answer: text, comment });
      return { ok: false, error: r.question?.options.length ? 'Pick at least one option first.' : 'Write an answer first.' };
    }
  }
}

/**
 * One conditions field from what the approver typed: numbers as numbers, yes/no as booleans,
 * selects among their options; `-` or nothing skips an optional field. The gate checks the whole
 * form against the schema again (src/core/conditions.ts).
 */
export function conditionValue(f: ConditionField, raw: string): { value: ConditionValue | undefined } | { error: string } {
  const t = raw.trim();
  const name = f.label ?? f.name;
  if (t === '' || (t === '-' && !f.required)) return f.required ? { error: `${name} is required.` } : { value: undefined };
  switch (f.type) {
    case 'number': {
      const n = Number(t);
      return Number.isFinite(n) ? { value: n } : { error: `${name} must be a number.` };
    }
    case 'boolean':
      if (/^(y|yes|true|1|是)$/i.test(t)) return { value: true };
      if (/^(n|no|false|0|否)$/i.test(t)) return { value: false };
      return { error: `${name}: answer yes or no.` };
    case 'select':
      return f.options?.includes(t) ? { value: t } : { error: `${name}: pick one of the options.` };
    default:
      return { value: raw.slice(0, MAX_TEXT) };
  }
}
