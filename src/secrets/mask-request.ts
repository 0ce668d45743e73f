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
import { mergeSpans, type Span } from './rule.js';
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

/**
 * Masks strings with what the scanner finds in each and, in a second pass, every verbatim
 * occurrence of a secret found anywhere in the request: the policy's reason or a grant rule that
 * quotes the command (`Bash(… sk-… *)`) shows the same secret where the rules' boundaries miss it.
 */
class Masker {
  readonly known = new Map<string, string>();
  private readonly found = new Map<string, Span[]>();
  constructor(
    private readonly scanner: SecretScanner,
    private readonly tally: Tally,
  ) {}

  private spans(text: string, key?: string): { whole: string; offset: number; spans: Span[] } {
    const prefix = key ? `${key}: ` : '';
    const whole = prefix + text;
    let spans = this.found.get(whole);
    if (!spans) {
      spans = this.scanner.find(whole).map((x) => ({ ...x, start: Math.max(x.start, prefix.length) })).filter((x) => x.end > x.start);
      this.found.set(whole, spans);
    }
    return { whole, offset: prefix.length, spans };
  }

  /** First pass: remembers every secret's text. */
  learn(text: string, key?: string): void {
    const { whole, spans } = this.spans(text, key);
    for (const x of spans) {
      const secret = whole.slice(x.start, x.end);
      if (secret.length >= 6) this.known.set(secret, x.rule);
    }
  }

  mask(text: string, key?: string): string {
    const { whole, offset, spans: own } = this.spans(text, key);
    const spans: Span[] = [...own];
    for (const [secret, rule] of this.known) {
      for (let at = whole.indexOf(secret, offset); at !== -1; at = whole.indexOf(secret, at + secret.length)) spans.push({ start: at, end: at + secret.length, rule });
    }
    if (!spans.length) return text;
    const merged = mergeSpans(spans);
    for (const x of merged) {
      this.tally.count++;
      this.tally.rules.add(x.rule);
      if (!TOKEN_CHARS.test(whole.slice(x.start, x.end))) this.tally.hides = true;
    }
    return this.scanner.mask(whole, merged).text.slice(offset);
  }
}

/** Applies `f` to every string of a JSON value, with the key it sits under (bounded depth). */
function mapStrings(v: unknown, f: (s: string, key?: string) => string, key?: string, depth = 0): unknown {
  if (typeof v === 'string') return f(v, key);
  if (depth > MAX_DEPTH || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f, k, depth + 1);
  return out;
}

/** Every text of a request a person reads, rewritten by `f`. */
function mapShown(r: ApprovalRequest, f: (s: string, key?: string) => string): ApprovalRequest {
  const n = (text: string | null) => (text === null ? null : f(text));
  return {
    ...r,
    title: f(r.title),
    preview: f(r.preview),
    input: mapStrings(r.input, f),
    context: n(r.context),
    cwd: n(r.cwd),
    requester: n(r.requester),
    metadata: r.metadata === null ? null : (mapStrings(r.metadata, f) as Record<string, unknown>),
    question: r.question && { ...r.question, options: r.question.options.map((o) => ({ ...o, label: f(o.label), ...(o.description !== undefined ? { description: f(o.description) } : {}) })) },
    policy: r.policy && {
      ...r.policy,
      reason: f(r.policy.reason),
      ...(r.policy.rule ? { rule: f(r.policy.rule) } : {}),
      ...(r.policy.danger_reasons ? { danger_reasons: r.policy.danger_reasons.map((x) => f(x)) } : {}),
      ...(r.policy.suggestions ? { suggestions: r.policy.suggestions.map((g) => ({ ...g, label: f(g.label), rule: f(g.rule) })) } : {}),
      ...(r.policy.trace ? { trace: r.policy.trace.map((t) => ({ ...t, subject: f(t.subject), reason: f(t.reason) })) } : {}),
    },
    decision: r.decision && {
      ...r.decision,
      comment: n(r.decision.comment),
      updated_input: r.decision.updated_input === undefined ? undefined : mapStrings(r.decision.updated_input, f),
    },
  };
}

/** The request with every secret a person would read replaced by a marker; `masked` says what was hidden. */
export function maskRequest(scanner: SecretScanner, r: ApprovalRequest, options: { holdOneTap?: boolean } = {}): MaskedRequest {
  const tally: Tally = { count: 0, rules: new Set(), hides: false };
  const m = new Masker(scanner, tally);
  mapShown(r, (text, key) => (m.learn(text, key), text));
  if (m.known.size === 0) return r;
  const copy: MaskedRequest = mapShown(r, (text, key) => m.mask(text, key));
  if (tally.count === 0) return r;
  copy.masked = { count: tally.count, rules: [...tally.rules].sort(), holdOneTap: tally.hides || options.holdOneTap === true };
  return copy;
}
