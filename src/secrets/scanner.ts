// Finds secrets in text: gitleaks' rules (./gitleaks-rules.ts), Greenlight's own
// (./own-rules.ts) and the operator's `secrets.patterns`, merged into non-overlapping spans, and
// writes a text out with each secret replaced by a visible marker. No I/O; built once per server.
import { GITLEAKS_ALLOW, GITLEAKS_RULES } from './gitleaks-rules.js';
import { OWN_RULES, REFERENCE_ALLOW } from './own-rules.js';
import { compileRule, mergeSpans, runRule, type CompiledRule, type Span } from './rule.js';

/** An operator's pattern: the secret is its first group, or the whole match. */
export interface SecretPattern {
  name: string;
  regex: string;
  ignore_case?: boolean;
}

export interface SecretScanner {
  /** The secrets in `text`, in order, overlapping ones merged. */
  find(text: string): Span[];
  /** `text` with every secret replaced by `marker(rule)`; `spans` as find() returned them. */
  mask(text: string, spans?: Span[]): { text: string; spans: Span[] };
  /** How many rules it runs. */
  readonly ruleCount: number;
}

/** What stands in for a secret: marked so the reader knows something is hidden, and by which rule. */
export const marker = (rule: string): string => `⟦secret hidden: ${rule}⟧`;

/** Whether a string holds a marker (an edit sent back from a channel carrying one is refused). */
export const hasMarker = (text: string): boolean => text.includes('⟦secret hidden: ');

export function createSecretScanner(options: { patterns?: readonly SecretPattern[] } = {}): SecretScanner {
  const allow = [GITLEAKS_ALLOW, REFERENCE_ALLOW];
  const rules: CompiledRule[] = [
    ...GITLEAKS_RULES.map((r) => compileRule(r, allow)),
    ...OWN_RULES.map((r) => compileRule(r, allow)),
    ...(options.patterns ?? []).map((p) => compileRule({ id: p.name, regex: p.regex, flags: p.ignore_case ? 'i' : '' })),
  ];

  const find = (text: string): Span[] => {
    if (text.length < 6) return [];
    const lower = text.toLowerCase();
    return mergeSpans(rules.flatMap((r) => runRule(r, text, lower)));
  };

  return {
    find,
    mask(text, spans = find(text)) {
      if (!spans.length) return { text, spans };
      let out = '';
      let at = 0;
      for (const s of spans) {
        out += text.slice(at, s.start) + marker(s.rule);
        at = s.end;
      }
      return { text: out + text.slice(at), spans };
    },
    ruleCount: rules.length,
  };
}
