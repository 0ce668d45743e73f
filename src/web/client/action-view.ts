// The full action of a request, as the approver must see it before deciding, from the shared
// "action as it will run" (src/channels/action.ts, compiled into this build too): Bash
// highlighted, edits as a diff, written files and long text in wrapped blocks, any other input as
// JSON — then the agent's own description, labelled as such. Never the agent's preview first.
import { actionAsItRuns, actionSummary as summaryOf, type ActionView } from '../../channels/action.js';
import { diffBlock } from './diff.js';
import { h, type Child } from './dom.js';
import { bashBlock } from './highlight.js';
import type { Req } from './types.js';

export function textBlock(text: string, label: string): HTMLElement {
  return h('pre', { class: 'code scroll', tabindex: 0, 'aria-label': label }, h('code', null, text));
}

function pathLine(verb: string | null, path: string | null): HTMLElement {
  return h('p', { class: 'action-path' }, verb ? h('span', { class: 'verb' }, `${verb} `) : null, h('code', null, path || '(no path given)'));
}

/** The action's body, rendered for the page. */
function bodyView(a: ActionView): Child[] {
  const b = a.body;
  switch (b.kind) {
    case 'command':
      return [bashBlock(b.command)];
    case 'edit':
      return [
        pathLine(b.edits.length > 1 ? `${b.edits.length} changes in` : b.edits[0]?.replaceAll ? 'Every occurrence in' : null, b.path),
        ...b.edits.map((e, i) => diffBlock(e.before, e.after, b.edits.length > 1 ? `Change ${i + 1}${e.replaceAll ? ' (every occurrence)' : ''}` : 'Changes')),
      ];
    case 'write':
      return [pathLine(null, b.path), textBlock(b.content, 'File content')];
    case 'target':
      return [pathLine(null, b.target), b.detail ? h('p', { class: 'muted' }, b.detail) : null];
    case 'plan':
      return [textBlock(b.plan, 'Plan')];
    case 'json':
      return [textBlock(b.json, 'Input as JSON')];
    case 'text':
      return [h('p', { class: 'muted action-note' }, 'No tool input: this is the action in the agent’s own words.'), textBlock(b.text, 'Action')];
    case 'none':
      return [h('p', { class: 'muted' }, 'The agent sent no preview and no input: only the title above.')];
  }
}

/** The action as it will run, then the agent's description of it. */
export function actionView(r: Req): HTMLElement | null {
  const a = actionAsItRuns(r);
  if (a.body.kind === 'none' && r.question) return null; // a plain question: the title is the whole of it
  const section = h('section', { class: 'action', 'aria-label': 'The action' });
  section.append(h('h3', null, 'The action: ', h('code', { class: 'action-tool' }, a.tool)), ...(bodyView(a).filter(Boolean) as Node[]));
  if (a.extras.length) {
    const dl = h('dl', { class: 'meta extras', 'aria-label': 'Also in the input' });
    for (const e of a.extras) dl.append(h('dt', null, e.name), h('dd', { class: 'mono' }, e.value));
    section.append(h('h4', null, 'Also in the input'), dl);
  }
  if (a.description !== null) {
    section.appendChild(
      h('div', { class: 'agent-desc', role: 'group', 'aria-label': 'Agent’s description' }, h('h4', null, 'Agent’s description'), h('p', { class: 'muted small' }, 'The agent’s own words, not checked against the action above.'), h('p', { class: 'agent-desc-text' }, a.description)),
    );
  }
  if (a.inputJson !== null) section.appendChild(h('details', { class: 'more' }, h('summary', null, 'Full input (JSON)'), textBlock(a.inputJson, 'Input as JSON')));
  return section;
}

/** One-line summary for lists: the command, the file, the target, or the first line of the text. */
export function actionSummary(r: Req): string {
  return summaryOf(actionAsItRuns(r));
}
