// The decision panel of a pending request: approve once / for the session / always, deny with a
// preset or typed reason, approve with conditions, edit then approve, answer a question. Every
// button is one POST /v1/requests/:id/decision through the gate, as with a key.
import { api } from './api.js';
import { confirmButton, h, toast } from './dom.js';
import { conditionsForm, questionForm } from './forms.js';
import { json } from './format.js';
import type { Req } from './types.js';
import { describeInvisible } from '../../text/invisible.js';

export const DENY_PRESETS = ['Not now', 'Too risky', 'Wrong directory or project', 'Do it another way (see note)'];

export interface DecidePanel {
  el: HTMLElement;
  /** The sticky bar for phones (Deny / Approve within thumb reach). */
  bar: HTMLElement;
  approveOnce(): void;
  startDeny(): void;
}

type Body = { outcome: string; scope?: string; comment?: string | null; conditions?: unknown; answer?: unknown; updated_input?: unknown };

/** What "edit the action" edits: the Bash command, the input as JSON, or the preview text. */
function editable(r: Req): { label: string; text: string; toInput(text: string): unknown } {
  const input = r.input && typeof r.input === 'object' && !Array.isArray(r.input) ? (r.input as Record<string, unknown>) : null;
  if (r.tool === 'Bash' && typeof input?.command === 'string') return { label: 'Command', text: input.command, toInput: (t) => ({ ...input, command: t }) };
  if (r.input !== null && r.input !== undefined) {
    return {
      label: 'Input (JSON)',
      text: json(r.input),
      toInput: (t) => {
        try {
          return JSON.parse(t);
        } catch (e) {
          throw new Error(`The input is not valid JSON: ${(e as Error).message}`);
        }
      },
    };
  }
  return { label: 'Action', text: r.preview, toInput: (t) => t };
}

export function decidePanel(r: Req, onDecided: (updated: Req) => void): DecidePanel {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const decide = async (body: Body, done: string) => {
    error.textContent = '';
    try {
      const updated = await api<Req>('POST', `/v1/requests/${encodeURIComponent(r.id)}/decision`, body);
      toast(done);
      onDecided(updated);
    } catch (e) {
      error.textContent = (e as Error).message;
      toast((e as Error).message, 'error');
      throw e;
    }
  };
  const quiet = (p: Promise<unknown>): Promise<void> => p.then(() => {}, () => {});

  const note = h('input', { type: 'text', id: 'approve-note', autocomplete: 'off', maxlength: 10000, placeholder: 'Optional' });
  const noteValue = () => note.value.trim() || null;
  const approveOnceBtn = h('button', { type: 'submit', class: 'btn approve', 'data-act': 'approve-once' }, 'Approve once');
  const approveForm = h(
    'form',
    { class: 'approve-form' },
    h('h4', null, 'Approve'),
    h('div', { class: 'field' }, h('label', { for: 'approve-note' }, 'Note to the agent'), note),
    h(
      'div',
      { class: 'row wrap' },
      approveOnceBtn,
      r.session_id ? h('button', { type: 'button', class: 'btn approve-alt', 'data-act': 'approve-session', on: { click: () => quiet(decide({ outcome: 'approved', scope: 'session', comment: noteValue() }, 'Approved for this session')) } }, 'For this session') : null,
      confirmButton('Always', 'Click again: always allow', 'btn approve-alt', () => quiet(decide({ outcome: 'approved', scope: 'always', comment: noteValue() }, 'Approved; always allowed from now on'))),
    ),
  );
  approveForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void quiet(decide({ outcome: 'approved', scope: 'once', comment: noteValue() }, 'Approved'));
  });

  const reason = h('input', { type: 'text', id: 'deny-reason', autocomplete: 'off', maxlength: 10000, placeholder: 'Why? The agent reads this.' });
  const denyForm = h(
    'form',
    { class: 'deny-form' },
    h('h4', null, 'Deny'),
    h(
      'div',
      { class: 'presets', role: 'group', 'aria-label': 'Reasons' },
      ...DENY_PRESETS.map((p) =>
        h('button', { type: 'button', class: 'chip', on: { click: () => ((reason.value = p), reason.focus()) } }, p),
      ),
    ),
    h('div', { class: 'field' }, h('label', { for: 'deny-reason' }, 'Reason'), reason),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn deny', 'data-act': 'deny' }, 'Deny')),
  );
  denyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void quiet(decide({ outcome: 'denied', comment: reason.value.trim() || null }, 'Denied'));
  });

  const edit = editable(r);
  const editArea = h('textarea', { id: 'edit-action', rows: Math.min(16, Math.max(3, edit.text.split('\n').length + 1)), spellcheck: 'false', class: 'mono' });
  editArea.value = edit.text;
  const editErr = h('p', { class: 'form-error', role: 'alert' });
  // A text box shows the raw text (it is what will be sent back): say where the invisible characters are.
  const hidden = describeInvisible(edit.text, 'this text');
  const editWarn = hidden ? h('p', { class: 'danger-text edit-invisible' }, `Careful: ${hidden}. The box below shows the raw text, where they cannot be seen; delete them or they stay.`) : null;
  const editForm = h(
    'details',
    { class: 'edit more' },
    h('summary', null, 'Edit the action, then approve'),
    editWarn,
    h('div', { class: 'field' }, h('label', { for: 'edit-action' }, edit.label), editArea),
    editErr,
    h(
      'div',
      { class: 'row' },
      h('button', {
        type: 'button',
        class: 'btn approve',
        'data-act': 'approve-edited',
        on: {
          click: () => {
            editErr.textContent = '';
            let updated: unknown;
            try {
              updated = edit.toInput(editArea.value);
            } catch (e) {
              editErr.textContent = (e as Error).message;
              return;
            }
            void quiet(decide({ outcome: 'approved', scope: 'once', comment: noteValue(), updated_input: updated }, 'Approved as edited'));
          },
        },
      }, 'Approve edited'),
    ),
  );

  const parts: HTMLElement[] = [];
  let answerForm: HTMLFormElement | null = null;
  if (r.question) {
    answerForm = questionForm(r.question, (answer) => decide({ outcome: 'answered', answer }, 'Answer sent'));
    parts.push(answerForm);
  }
  parts.push(approveForm);
  if (r.conditions_schema && r.conditions_schema.length) parts.push(conditionsForm(r.conditions_schema, (conditions) => decide({ outcome: 'conditional', conditions, comment: noteValue() }, 'Approved with conditions')));
  parts.push(editForm, denyForm);

  const el = h('section', { class: 'decide', 'aria-label': 'Decide' }, error, ...parts);

  const startDeny = () => {
    reason.scrollIntoView({ block: 'center', behavior: 'smooth' });
    reason.focus({ preventScroll: true });
  };
  const approveOnce = () => {
    if (answerForm) {
      answerForm.scrollIntoView({ block: 'center', behavior: 'smooth' });
      (answerForm.querySelector('input') as HTMLInputElement | null)?.focus({ preventScroll: true });
      return;
    }
    approveForm.requestSubmit();
  };
  const bar = h(
    'div',
    { class: 'decide-bar', role: 'group', 'aria-label': 'Quick decision' },
    h('button', { type: 'button', class: 'btn deny', on: { click: startDeny } }, 'Deny…'),
    h('button', { type: 'button', class: 'btn approve', on: { click: approveOnce } }, r.question ? 'Answer…' : 'Approve once'),
  );
  return { el, bar, approveOnce, startDeny };
}
