// The full action of a request, as the approver must see it before deciding: Bash highlighted,
// edits as a diff, written files and long previews in scrollable blocks, the raw input as JSON.
import { diffBlock } from './diff.js';
import { h, type Child } from './dom.js';
import { json } from './format.js';
import { bashBlock } from './highlight.js';
import type { Req } from './types.js';

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function textBlock(text: string, label: string): HTMLElement {
  return h('pre', { class: 'code scroll', tabindex: 0, 'aria-label': label }, h('code', null, text));
}

function pathLine(verb: string | null, path: string | null): HTMLElement {
  return h('p', { class: 'action-path' }, verb ? h('span', { class: 'verb' }, `${verb} `) : null, h('code', null, path ?? '(no path given)'));
}

/** The specialised view of a known tool's input, or null. */
function toolView(r: Req): Child[] | null {
  const input = obj(r.input);
  if (!input) return null;
  const path = str(input.file_path) ?? str(input.notebook_path) ?? str(input.path);
  switch (r.tool) {
    case 'Bash': {
      const command = str(input.command);
      if (command === null) return null;
      return [bashBlock(command), str(input.description) ? h('p', { class: 'muted action-desc' }, str(input.description)) : null];
    }
    case 'Edit': {
      const before = str(input.old_string);
      const after = str(input.new_string);
      if (before === null || after === null) return null;
      return [pathLine(input.replace_all === true ? 'Every occurrence in' : null, path), diffBlock(before, after)];
    }
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? input.edits.map(obj) : null;
      if (!edits || edits.some((e) => !e || str(e.old_string) === null || str(e.new_string) === null)) return null;
      return [pathLine(`${edits.length} changes in`, path), ...edits.map((e, i) => diffBlock(str(e!.old_string)!, str(e!.new_string)!, `Change ${i + 1}`))];
    }
    case 'Write': {
      const content = str(input.content);
      if (content === null) return null;
      return [pathLine(null, path), textBlock(content, 'File content')];
    }
    case 'Read':
    case 'Glob':
    case 'Grep':
    case 'NotebookRead':
      return path || str(input.pattern) ? [pathLine(null, path ?? str(input.pattern))] : null;
    case 'WebFetch':
    case 'WebSearch': {
      const target = str(input.url) ?? str(input.query);
      return target ? [pathLine(null, target), str(input.prompt) ? h('p', { class: 'muted' }, str(input.prompt)) : null] : null;
    }
    default:
      return null;
  }
}

export function actionView(r: Req): HTMLElement | null {
  const section = h('section', { class: 'action', 'aria-label': 'The action' });
  section.appendChild(h('h3', null, r.tool ? `${r.tool}` : r.action_type));
  const special = toolView(r);
  if (special) for (const c of special) if (c) section.appendChild(c as Node);
  if (!special && r.preview) section.appendChild(textBlock(r.preview, 'Preview'));
  if (special && r.preview && r.preview !== str(obj(r.input)?.command)) {
    section.appendChild(h('details', { class: 'more' }, h('summary', null, 'Preview as the agent sent it'), textBlock(r.preview, 'Preview')));
  }
  if (r.input !== null && r.input !== undefined) {
    const raw = textBlock(json(r.input), 'Input as JSON');
    section.appendChild(special ? h('details', { class: 'more' }, h('summary', null, 'Full input (JSON)'), raw) : h('div', null, h('h4', null, 'Input'), raw));
  }
  if (!special && !r.preview && (r.input === null || r.input === undefined)) {
    if (r.question) return null; // a plain question: the title is the whole of it
    section.appendChild(h('p', { class: 'muted' }, 'The agent sent no preview and no input: only the title above.'));
  }
  return section;
}

/** One-line summary for lists: the command, the path, or the first line of the preview. */
export function actionSummary(r: Req): string {
  const input = obj(r.input);
  const line = (r.tool === 'Bash' ? str(input?.command) : null) ?? str(input?.file_path) ?? str(input?.url) ?? r.preview ?? '';
  const first = line.split('\n')[0];
  return first.length > 240 ? `${first.slice(0, 240)}…` : first;
}
