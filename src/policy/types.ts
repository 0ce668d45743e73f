// Public types of the policy engine. Everything here is plain data: the engine never does I/O.

/** One thing an agent wants to do. `tool` is a Claude Code tool name, an MCP tool name, or a plain action type. */
export interface PolicyAction {
  tool: string;
  input: unknown;
  cwd: string | null;
}

export type Effect = 'allow' | 'ask' | 'deny';
export type Verdict = Effect;

/** Rules as they appear in config: `policy: { allow, ask, deny }`. */
export interface RuleSet {
  allow: string[];
  ask: string[];
  deny: string[];
}

/** A rule with where it came from, e.g. source 'config:global', 'config:project:webapp', 'grant:grt_123'. */
export interface PolicyRule {
  rule: string;
  effect: Effect;
  source: string;
  grantId?: string;
}

export interface PolicyContext {
  /** Config rules and stored grants, already filtered to this agent/project/session. Order matters: first match wins. */
  rules: PolicyRule[];
  /** Absolute directories of the project (empty: no project). */
  projectDirs: string[];
  /** Sandboxed project: Bash and path-scoped tools are allowed (deny/ask rules and the dangerous guard still apply). */
  sandboxed: boolean;
  homeDir: string;
  /** Absolute paths of Greenlight's own config file and data dir. Any access to them is dangerous. */
  protectedPaths: string[];
  /** Extra rules (same syntax as allow/ask/deny) the dangerous guard treats as dangerous. */
  extraDangerous?: string[];
  /** Branches a forced push to is dangerous. Default ['main', 'master']. */
  protectedBranches?: string[];
  /** Resolves symlinks; must tolerate missing files. Default: identity. */
  realpath?: (p: string) => string;
}

export interface TraceEntry {
  /** What was judged, e.g. 'Bash(git status)', 'write > ~/.bashrc', 'Read(/home/a/x)'. */
  subject: string;
  verdict: Verdict;
  rule: string | null;
  source?: string;
  reason: string;
}

export interface Evaluation {
  verdict: Verdict;
  /** The rule that decided (deny/ask rule, or the first allow rule used); null when a default or scope decided. */
  rule: string | null;
  /** The rule's source, or 'scope:project' (read inside the project, cd inside it), 'scope:sandbox',
   *  'scope:implicit' (nothing runs: assignments, true/false/:/exit); null for a default ask. */
  source: string | null;
  /** Grants whose rules allowed the action (only when verdict is allow), so the caller can count a use. */
  grantIds: string[];
  reason: string;
  dangerous: boolean;
  dangerReasons: string[];
  trace: TraceEntry[];
}

export type RuleKind = 'tool' | 'bash' | 'path' | 'domain' | 'mcp' | 'generic';

/** A rule parsed and compiled for matching. */
export interface ParsedRule {
  raw: string;
  tool: string;
  specifier: string | null;
  kind: RuleKind;
  /** bash: the command pattern compiled to a regex. */
  commandRe?: RegExp;
  /** path: see path-match.ts. */
  path?: PathPattern;
  /** domain: lower-case host, and whether `*.` allows subdomains. */
  domain?: { host: string; subdomains: boolean };
  /** mcp / tool names with `*`: a regex over the tool name. */
  toolRe?: RegExp;
  /** generic: specifier as a glob over top-level string fields of the input. */
  genericRe?: RegExp;
}

export type PathAnchor = 'abs' | 'home' | 'project' | 'cwd';

export interface PathPattern {
  anchor: PathAnchor;
  /** Leading `..` segments of a cwd-relative pattern, applied to the base. */
  up: number;
  /** Regex over the path relative to the base (no leading slash). */
  re: RegExp;
}

export interface SuggestedGrant {
  kind: 'tool' | 'prefix' | 'edits' | 'read-dir' | 'domain';
  label: string;
  rule: string;
}

export interface SuggestContext {
  projectDirs: string[];
  cwd?: string | null;
  homeDir?: string;
  protectedPaths?: string[];
  extraDangerous?: string[];
  protectedBranches?: string[];
  realpath?: (p: string) => string;
}
