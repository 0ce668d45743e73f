// "The action as it will run": what every channel shows first. An agent can file
// `preview: "ls -la"` for `rm -rf ~/important`; the preview is the agent's own words, so it is
// shown second and labelled as such, and the action shown first comes from the tool input — the
// thing the agent's host will actually run. One derivation for every channel (Telegram, email,
// the dashboard, and any channel added later), channel-neutral: it returns raw text and structure;
// each channel makes invisible characters visible (src/text/invisible.ts) and escapes.
//
// Compiled into the dashboard's browser build too: import only tool-preview.ts and src/text/, no
// Node, no DOM.
import { describeInvisible } from '../text/invisible.js';
import { mcpParts, pathOf, toolPreview, unifiedDiff } from './tool-preview.js';

/** The fields of a request the action is derived from (server and dashboard shapes both fit). */
export interface ActionSource {
  tool: string | null;
  input: unknown;
  preview: string;
  action_type: string;
  cwd: string | null;
}

export type ActionBody =
  /** A shell command (Bash). */
  | { kind: 'command'; command: string }
  /** Replacements in one file (Edit, MultiEdit). */
  | { kind: 'edit'; path: string; edits: { before: string; after: string; replaceAll: boolean }[] }
  /** A whole file written (Write). */
  | { kind: 'write'; path: string; content: string }
  /** What a read or fetch touches: a path, a pattern, a URL or a query, and what is asked of it. */
  | { kind: 'target'; target: string; detail: string | null }
  /** A plan the agent wants to start on (ExitPlanMode). */
  | { kind: 'plan'; plan: string }
  /** Any other tool: its input, as JSON. */
  | { kind: 'json'; json: string }
  /** A plain action without tool input: the agent's preview is all there is. */
  | { kind: 'text'; text: string }
  /** Nothing but the title. */
  | { kind: 'none' };

export interface ActionView {
  /** What runs: the tool, or the action type of a plain action (agent text: escape it). */
  tool: string;
  body: ActionBody;
  /** The action as plain text, whole, for channels that show text: the command, a unified diff, the file and its content, the input as JSON. */
  text: string;
  /** Our words for what `text` is: "command", "changes", "file written", ... */
  what: string;
  /** The agent's own words about the action (its preview, Bash's `description`), or null when it gave none beyond the action. */
  description: string | null;
  /** The whole input as JSON when `text` leaves some of it out; null when `text` shows all of it. */
  inputJson: string | null;
  /** The input fields `text` leaves out (`timeout`, `run_in_background`, ...), each value as one-line JSON. */
  extras: { name: string; value: string }[];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

function oneLineJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const WHAT: Record<ActionBody['kind'], string> = {
  command: 'command',
  edit: 'changes',
  write: 'file written',
  target: 'target',
  plan: 'plan',
  json: 'input',
  text: 'action, in the agent’s words (no tool input)',
  none: 'action',
};

/** The body of a known tool's input, with the input fields it shows; null for any other input. */
function bodyOf(tool: string, input: Record<string, unknown>): { body: ActionBody; shows: string[] } | null {
  const path = pathOf(input);
  switch (tool) {
    case 'Bash': {
      const command = str(input.command);
      return command === null ? null : { body: { kind: 'command', command }, shows: ['command', 'description'] };
    }
    case 'Edit': {
      const before = str(input.old_string);
      const after = str(input.new_string);
      if (before === null || after === null) return null;
      return { body: { kind: 'edit', path, edits: [{ before, after, replaceAll: input.replace_all === true }] }, shows: ['file_path', 'old_string', 'new_string', 'replace_all'] };
    }
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? input.edits.map(obj) : null;
      if (!edits || edits.some((e) => !e || str(e.old_string) === null || str(e.new_string) === null || Object.keys(e).some((k) => !['old_string', 'new_string', 'replace_all'].includes(k)))) return null;
      return { body: { kind: 'edit', path, edits: edits.map((e) => ({ before: e!.old_string as string, after: e!.new_string as string, replaceAll: e!.replace_all === true })) }, shows: ['file_path', 'edits'] };
    }
    case 'Write': {
      const content = str(input.content);
      return content === null ? null : { body: { kind: 'write', path, content }, shows: ['file_path', 'content'] };
    }
    case 'Read':
    case 'Glob':
    case 'Grep':
    case 'NotebookRead': {
      const target = path || str(input.pattern);
      return target ? { body: { kind: 'target', target, detail: path && str(input.pattern) ? `pattern: ${input.pattern}` : null }, shows: ['file_path', 'path', 'notebook_path', 'pattern'] } : null;
    }
    case 'WebFetch':
    case 'WebSearch': {
      const target = str(input.url) ?? str(input.query);
      return target ? { body: { kind: 'target', target, detail: str(input.prompt) ? `prompt: ${input.prompt}` : null }, shows: ['url', 'query', 'prompt'] } : null;
    }
    case 'ExitPlanMode': {
      const plan = str(input.plan);
      return plan === null ? null : { body: { kind: 'plan', plan }, shows: ['plan'] };
    }
    default:
      return null;
  }
}

/** The body as plain text, whole. */
export function bodyText(body: ActionBody): string {
  switch (body.kind) {
    case 'command':
      return body.command;
    case 'edit': {
      const diffs = body.edits.map((e) => `${e.replaceAll ? '(every occurrence)\n' : ''}${unifiedDiff(body.path, e.before, e.after)}`);
      return diffs.length === 1 ? diffs[0] : diffs.map((d, i) => `# edit ${i + 1} of ${diffs.length}\n${d}`).join('\n\n');
    }
    case 'write':
      return `Write ${body.path}\n\n${body.content}`;
    case 'target':
      return body.detail ? `${body.target}\n\n${body.detail}` : body.target;
    case 'plan':
      return body.plan;
    case 'json':
      return body.json;
    case 'text':
      return body.text;
    case 'none':
      return '';
  }
}

/** The action a request asks for, as it will run, and the agent's own description of it. */
export function actionAsItRuns(r: ActionSource): ActionView {
  const tool = r.tool ?? r.action_type;
  const input = r.input;
  const hasInput = input !== null && input !== undefined;
  let body: ActionBody;
  let inputJson: string | null = null;
  const extras: ActionView['extras'] = [];
  const descriptions: string[] = [];
  const fields = obj(input);
  const known = r.tool && fields ? bodyOf(r.tool, fields) : null;
  if (known) {
    body = known.body;
    for (const [name, v] of Object.entries(fields!)) if (!known.shows.includes(name)) extras.push({ name, value: oneLineJson(v) });
    if (extras.length) inputJson = json(input);
    if (body.kind === 'command' && str(fields!.description)?.trim()) descriptions.push(fields!.description as string);
  } else if (hasInput) {
    body = { kind: 'json', json: json(input) };
  } else if (r.preview) {
    body = { kind: 'text', text: r.preview };
  } else {
    body = { kind: 'none' };
  }
  const text = bodyText(body);
  if (body.kind !== 'text' && r.preview.trim() && !isStandardPreview(r, text)) descriptions.push(r.preview);
  return { tool, body, text, what: WHAT[body.kind], description: descriptions.length ? descriptions.join('\n\n') : null, inputJson, extras };
}

/** Whether the preview only restates the action: the action text itself, or the standard preview our adapters write. */
function isStandardPreview(r: ActionSource, text: string): boolean {
  if (r.preview.trim() === text.trim()) return true;
  const fields = obj(r.input);
  return r.tool !== null && fields !== null && r.preview === toolPreview(r.tool, fields, r.cwd);
}

/** One line for lists: the command's first line, the file, the target, or the first line of the text. */
export function actionSummary(view: ActionView, max = 240): string {
  const b = view.body;
  const line = b.kind === 'edit' || b.kind === 'write' ? `${view.tool} ${b.path}` : b.kind === 'target' ? b.target : b.kind === 'json' ? `${mcpLabel(view.tool)} ${b.json.replace(/\s+/g, ' ')}` : view.text;
  const first = line.split('\n')[0];
  return first.length > max ? `${first.slice(0, max)}…` : first;
}

const mcpLabel = (tool: string): string => {
  const m = mcpParts(tool);
  return m ? `${m.server}/${m.tool}` : tool;
};

/** The fields of a request a person reads, for `invisibleReport`. */
export interface ShownRequest extends ActionSource {
  title: string;
  context: string | null;
  cwd: string | null;
  requester: string | null;
  question: { options: { key: string; label: string; description?: string }[] } | null;
  conditions_schema: { name: string; label?: string; description?: string; options?: string[] }[] | null;
}

const MAX_STRINGS = 500;

/** Every string of a JSON value with a readable name for where it is (bounded). */
function stringsOf(value: unknown, name: string, out: [string, string][], depth = 0): void {
  if (out.length >= MAX_STRINGS || depth > 32) return;
  if (typeof value === 'string') out.push([name, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => stringsOf(v, `${name}[${i}]`, out, depth + 1));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([`a key of ${name}`, k]);
      stringsOf(v, `${name}.${k}`, out, depth + 1);
    }
  }
}

const INPUT_NAMES: Record<string, string> = { command: 'the command', file_path: 'the path', path: 'the path', notebook_path: 'the path', url: 'the URL' };

/**
 * Where a request carries invisible characters, as [where, text] pairs for describeInvisible: the
 * title, every string of the tool input (the command, the path, ...), the agent's description,
 * the context, question options and the conditions form.
 */
export function shownTexts(r: ShownRequest): [string, string][] {
  const out: [string, string][] = [['the title', r.title]];
  const fields = obj(r.input);
  if (r.tool && fields) {
    for (const [k, v] of Object.entries(fields)) {
      out.push([`a key of the input`, k]);
      stringsOf(v, INPUT_NAMES[k] ?? `the input field ${k}`, out);
    }
  } else if (r.input !== null && r.input !== undefined) stringsOf(r.input, 'the input', out);
  if (r.preview) out.push([r.tool || (r.input !== null && r.input !== undefined) ? 'the agent’s description (preview)' : 'the action', r.preview]);
  if (r.tool) out.push(['the tool name', r.tool]);
  if (r.context) out.push(['the context', r.context]);
  if (r.cwd) out.push(['the directory', r.cwd]);
  if (r.requester) out.push(['the requester', r.requester]);
  for (const o of r.question?.options ?? []) {
    out.push([`option ${o.key}`, o.label]);
    if (o.description) out.push([`the description of option ${o.key}`, o.description]);
  }
  for (const f of r.conditions_schema ?? []) {
    for (const t of [f.name, f.label ?? '', f.description ?? '', ...(f.options ?? [])]) if (t) out.push([`the conditions field ${f.name}`, t]);
  }
  return out;
}

/**
 * One sentence saying where a request carries invisible characters, for "why you are asked" —
 * "invisible character U+202E in the title at position 3; 2 invisible characters in the command
 * (…)" — or null when it carries none. Places `already` names ("in the command") are left out.
 */
export function invisibleReport(r: ShownRequest, already = '', max = 5): string | null {
  const phrases: string[] = [];
  let more = 0;
  for (const [where, text] of shownTexts(r)) {
    if (already.includes(`in ${where} `) || already.includes(`in ${where}:`)) continue;
    const found = describeInvisible(text, where, 3);
    if (!found) continue;
    if (phrases.length < max) phrases.push(found);
    else more++;
  }
  if (!phrases.length) return null;
  return `Contains invisible characters, shown as ⟪U+…⟫: ${phrases.join('; ')}${more ? `; and in ${more} more place${more === 1 ? '' : 's'}` : ''}.`;
}
