// A request as an outside channel may show it: every piece of text a person reads — the title,
// the tool input (each string, scanned with the key it sits under, so `{"password": "…"}` and
// `{"Authorization": "Bearer …"}` are found), the agent's description, the context, the policy's
// reason, question options, metadata, the decision's comment and edited input — with each secret
// replaced by a marker (./scanner.ts). The stored request keeps the full action; only the copy a
// channel renders is masked. The copy carries `masked`: how many secrets, by which rules, and
// whether a hidden value could hide the action's structure (anything but token characters:
// spaces, newlines, quotes, `$`, `;` …), in which case channels hold back one-tap approval as they
// do for an action they had to cut (src/channels/offer.ts).
import type { ApprovalRequest } from '../core/types.js';
import type { SecretScanner } from './scanner.js';

export interface MaskReport {
  /** Secrets hidden. */
  count: number;
  /** The rules that found them, each once. */
  rules: string[];
  /** A hidden value holds more than token characters, or the server holds back one-tap approval for every masked request. */
  holdOneTap: boolean;
}

export type MaskedRequest = ApprovalRequest & { masked?: MaskReport };

/** The mask report a (possibly masked) request carries, or null. */
export const maskOf = (r: object): MaskReport | null => {
  const m = (r as { masked?: MaskReport }).masked;
  return m && m.count > 0 ? m : null;
};

const TOKEN_CHARS = /^[A-Za-z0-9+/=_.~:@%-]*$/;
const MAX_DEPTH = 32;

interface Tally {
  count: number;
  rules: Set<string>;
  hides: boolean;
}

function maskString(scanner: SecretScanner, text: string, tally: Tally, key?: string): string {
  // Scanned with its key in front, so the rules that look for `name: value` see the name.
  const prefix = key ? `${key}: ` : '';
  const whole = prefix + text;
  const spans = scanner.find(whole).map((s) => ({ ...s, start: Math.max(s.start, prefix.length), end: s.end })).filter((s) => s.end > s.start);
  if (!spans.length) return text;
  for (const s of spans) {
    tally.count++;
    tally.rules.add(s.rule);
    if (!TOKEN_CHARS.test(whole.slice(s.start, s.end))) tally.hides = true;
  }
  return scanner.mask(whole, spans).text.slice(prefix.length);
}

function maskValue(scanner: SecretScanner, v: unknown, tally: Tally, key?: string, depth = 0): unknown {
  if (typeof v === 'string') return maskString(scanner, v, tally, key);
  if (depth > MAX_DEPTH || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => maskValue(scanner, x, tally, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = maskValue(scanner, x, tally, k, depth + 1);
  return out;
}

/** The request with every secret a person would read replaced by a marker; `masked` says what was hidden. */
export function maskRequest(scanner: SecretScanner, r: ApprovalRequest, options: { holdOneTap?: boolean } = {}): MaskedRequest {
  const tally: Tally = { count: 0, rules: new Set(), hides: false };
  const s = (text: string) => maskString(scanner, text, tally);
  const n = (text: string | null) => (text === null ? null : s(text));
  const copy: MaskedRequest = {
    ...r,
    title: s(r.title),
    preview: s(r.preview),
    input: maskValue(scanner, r.input, tally),
    context: n(r.context),
    cwd: n(r.cwd),
    requester: n(r.requester),
    metadata: r.metadata === null ? null : (maskValue(scanner, r.metadata, tally) as Record<string, unknown>),
    question: r.question && { ...r.question, options: r.question.options.map((o) => ({ ...o, label: s(o.label), ...(o.description !== undefined ? { description: s(o.description) } : {}) })) },
    policy: r.policy && {
      ...r.policy,
      reason: s(r.policy.reason),
      ...(r.policy.danger_reasons ? { danger_reasons: r.policy.danger_reasons.map(s) } : {}),
      ...(r.policy.suggestions ? { suggestions: r.policy.suggestions.map((g) => ({ ...g, label: s(g.label), rule: s(g.rule) })) } : {}),
      ...(r.policy.trace ? { trace: r.policy.trace.map((t) => ({ ...t, subject: s(t.subject), reason: s(t.reason) })) } : {}),
    },
    decision: r.decision && {
      ...r.decision,
      comment: n(r.decision.comment),
      updated_input: r.decision.updated_input === undefined ? undefined : maskValue(scanner, r.decision.updated_input, tally),
    },
  };
  if (tally.count === 0) return r;
  copy.masked = { count: tally.count, rules: [...tally.rules].sort(), holdOneTap: tally.hides || options.holdOneTap === true };
  return copy;
}
