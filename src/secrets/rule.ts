// One detection rule and how it is applied to a text, as gitleaks applies its rules: a keyword
// must occur (lower-cased) before the pattern runs; the secret is the rule's group (else the
// first group that matched, else the whole match); a secret below the rule's Shannon entropy, or
// one an allowlist names (by regex on the secret, the match or the line, or by a stopword inside
// the secret), is not a secret. Patterns are JavaScript source without flags unless `flags` says.

export interface AllowList {
  target: 'secret' | 'match' | 'line';
  regexes: string[];
  stopwords: string[];
}

export interface ScannerRule {
  id: string;
  regex: string;
  /** Extra flags (`i`); `g` and `d` are always added. */
  flags?: string;
  group?: number;
  entropy?: number;
  keywords?: string[];
  allow?: AllowList[];
}

/** Where a secret sits in a text, and which rule found it. */
export interface Span {
  start: number;
  end: number;
  rule: string;
}

interface CompiledAllow {
  target: AllowList['target'];
  regexes: RegExp[];
  stopwords: string[];
}

export interface CompiledRule {
  id: string;
  re: RegExp;
  group: number;
  entropy: number;
  keywords: string[];
  allow: CompiledAllow[];
}

const compileAllow = (a: AllowList): CompiledAllow => ({ target: a.target, regexes: a.regexes.map((r) => new RegExp(r)), stopwords: a.stopwords.map((s) => s.toLowerCase()) });

export function compileRule(r: ScannerRule, globalAllow: AllowList[] = []): CompiledRule {
  return {
    id: r.id,
    re: new RegExp(r.regex, `gd${r.flags ?? ''}`),
    group: r.group ?? 0,
    entropy: r.entropy ?? 0,
    keywords: r.keywords ?? [],
    allow: [...(r.allow ?? []), ...globalAllow].map(compileAllow),
  };
}

/** Shannon entropy in bits per character, as gitleaks computes it. */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function lineAt(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const to = text.indexOf('\n', end);
  return text.slice(from, to === -1 ? text.length : to);
}

function allowed(rule: CompiledRule, secret: string, match: string, text: string, start: number, end: number): boolean {
  for (const a of rule.allow) {
    const target = a.target === 'secret' ? secret : a.target === 'match' ? match : lineAt(text, start, end);
    if (a.regexes.some((re) => re.test(target))) return true;
    const lower = secret.toLowerCase();
    if (a.stopwords.some((w) => lower.includes(w))) return true;
  }
  return false;
}

/** Spans in order, overlapping ones merged (the first rule names the merged span). */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** The secrets one rule finds in `text` (`lower` is text.toLowerCase(), shared by every rule). */
export function runRule(rule: CompiledRule, text: string, lower: string): Span[] {
  if (rule.keywords.length && !rule.keywords.some((k) => lower.includes(k))) return [];
  const out: Span[] = [];
  const re = rule.re;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    let g = rule.group;
    if (!g) for (let i = 1; i < m.length; i++) if (m[i]) {
      g = i;
      break;
    }
    const at = m.indices?.[g];
    if (!at || m[g] === undefined) continue;
    const secret = m[g]!;
    if (entropy(secret) < rule.entropy) continue;
    if (allowed(rule, secret, m[0], text, at[0], at[1])) continue;
    out.push({ start: at[0], end: at[1], rule: rule.id });
  }
  return out;
}
