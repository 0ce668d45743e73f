// The decision panel of a pending request: approve once / for the session / always, deny with a
// preset or typed reason, approve with conditions, edit then approve, answer a question. Every
// button is one POST /v1/requests/:id/decision through the gate, as with a key.
import { api } from './api.js';
import { confirmButton, h, toast } from './dom.js';
import { conditionsForm, questionForm } from './forms.js';
import type { Req } from './types.js';
import { describeInvisible } from '../../text/invisible.js';
import { STEP_UP_NOTE, decisionFor, findChoice, offerFor, type Choice, type DecisionBody, type Given } from '../../channels/offer.js';
import { askSecondFactor } from './step-up.js';

const EDIT_LABEL = { command: 'Command', json: 'Input (JSON)', text: 'Action' } as const;

export const DENY_PRESETS = ['Not now', 'Too risky', 'Wrong directory or project', 'Do it another way (see note)'];

export interface DecidePanel {
  el: HTMLElement;
  /** The sticky bar for phones (Deny / Approve within thumb reach). */
  bar: HTMLElement;
  approveOnce(): void;
  startDeny(): void;
}

export function decidePanel(r: Req, onDecided: (updated: Req) => void): DecidePanel {
  // What the request offers comes from the one channel-neutral model (src/channels/offer.ts); the
  // dashboard shows the whole action, so nothing is held back for truncation.
  const offer = offerFor(r);
  const choice = (id: string) => findChoice(offer, id);
  const error = h('p', { class: 'form-error', role: 'alert' });
  const decide = async (body: DecisionBody, done: string) => {
    error.textContent = '';
    try {
      const updated = await api<Req>('POST', `/v1/requests/${encodeURIComponent(r.id)}/decision`, body);
      // A vote on a request that needs more approvals leaves it pending: say where it stands.
      toast(updated.status === 'pending' && updated.workflow?.progress.length ? `Vote counted — ${updated.workflow.progress[0]}` : done);
      onDecided(updated);
    } catch (e) {
      error.textContent = (e as Error).message;
      toast((e as Error).message, 'error');
      throw e;
    }
  };
  /** Decides a choice with what came with it; a missing input is said where the form is. */
  const decideChoice = (c: Choice | null, given: Given, done: string, where: HTMLElement = error): Promise<void> => {
    const d = c ? decisionFor(r, c, given) : { ok: false as const, error: 'That is not offered for this request.' };
    if (!d.ok) {
      where.textContent = d.error;
      return Promise.reject(new Error(d.error));
    }
    return decide(d.input, done);
  };
  const quiet = (p: Promise<unknown>): Promise<void> => p.then(() => {}, () => {});

  const note = h('input', { type: 'text', id: 'approve-note', autocomplete: 'off', maxlength: 10000, placeholder: 'Optional' });
  const noteValue = () => note.value.trim() || null;
  // Limits on a session / always / accept-all grant, enforced by the gate: "for 30 minutes", "at most 3 times".
  const grants = offer.choices.some((c) => c.kind === 'session' || c.kind === 'always' || c.kind === 'grant');
  const minutes = h('input', { type: 'number', id: 'grant-minutes', min: 1, max: 5256000, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const uses = h('input', { type: 'number', id: 'grant-uses', min: 1, max: 1000000, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const under = h('input', { type: 'text', id: 'grant-path', autocomplete: 'off', maxlength: 1000, placeholder: 'anywhere (e.g. ./src)' });
  // "Only on <host>": offered when the request names the machine it came from; sends that host.
  const onHost = r.host ? h('input', { type: 'checkbox', id: 'grant-host' }) : null;
  const whole = (el: HTMLInputElement) => (el.value.trim() && Number.isInteger(Number(el.value)) && Number(el.value) >= 1 ? Number(el.value) : null);
  const limited = (): Given => {
    const m = whole(minutes);
    const u = whole(uses);
    const p = under.value.trim() || null;
    const host = onHost?.checked ? r.host! : null;
    return { comment: noteValue(), ...(m || u || p || host ? { limits: { expires_in_sec: m ? m * 60 : null, max_uses: u, path_prefix: p, host } } : {}) };
  };
  const limitsRow = grants
    ? h(
        'fieldset',
        { class: 'grant-limits' },
        h('legend', null, 'Limit the grant (session, always, accept all)'),
        h('div', { class: 'row wrap' }, h('label', { for: 'grant-minutes' }, 'For minutes'), minutes, h('label', { for: 'grant-uses' }, 'At most times'), uses, h('label', { for: 'grant-path' }, 'Only under'), under, onHost ? h('label', { for: 'grant-host', class: 'check' }, onHost, ` Only on ${r.host}`) : null),
      )
    : null;
  const approveOnceBtn = h('button', { type: 'submit', class: 'btn approve', 'data-act': 'approve-once' }, offer.stepUp ? 'Approve once…' : 'Approve once');
  const approveForm = h(
    'form',
    { class: 'approve-form' },
    h('h4', null, 'Approve'),
    h('div', { class: 'field' }, h('label', { for: 'approve-note' }, 'Note to the agent'), note),
    limitsRow,
    h(
      'div',
      { class: 'row wrap' },
      approveOnceBtn,
      choice('session') ? h('button', { type: 'button', class: 'btn approve-alt', 'data-act': 'approve-session', on: { click: () => quiet(decideChoice(choice('session'), limited(), 'Approved for this session')) } }, 'For this session') : null,
      choice('always') ? confirmButton('Always', 'Click again: always allow', 'btn approve-alt', () => quiet(decideChoice(choice('always'), limited(), 'Approved; always allowed from now on'))) : null,
      ...offer.choices
        .filter((c) => c.grant)
        .map((c) => confirmButton(`Accept all ${c.grant!.subject}`, `Click again: accept all ${c.grant!.subject} for this session`, 'btn approve-alt', () => quiet(decideChoice(c, limited(), `Approved; ${c.grant!.rule} allowed for this session`)))),
    ),
  );
  approveForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // A request that needs step-up: the code is asked for in a modal, and a refusal is said there.
    if (offer.stepUp) return askSecondFactor(r, (factor) => decideChoice(choice('approve'), { comment: noteValue(), ...factor }, 'Approved'));
    void quiet(decideChoice(choice('approve'), { comment: noteValue() }, 'Approved'));
  });
  if (offer.stepUp) approveForm.insertBefore(h('p', { class: 'step-up-note', 'data-step-up': 'true' }, STEP_UP_NOTE), approveForm.lastChild);

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
    void quiet(decideChoice(choice('deny'), { comment: reason.value }, 'Denied'));
  });

  const edit = choice('edit');
  const editText = edit?.input?.kind === 'edit' ? edit.input.current : '';
  const editArea = h('textarea', { id: 'edit-action', rows: Math.min(16, Math.max(3, editText.split('\n').length + 1)), spellcheck: 'false', class: 'mono' });
  editArea.value = editText;
  const editErr = h('p', { class: 'form-error', role: 'alert' });
  // A text box shows the raw text (it is what will be sent back): say where the invisible characters are.
  const hidden = describeInvisible(editText, 'this text');
  const editWarn = hidden ? h('p', { class: 'danger-text edit-invisible' }, `Careful: ${hidden}. The box below shows the raw text, where they cannot be seen; delete them or they stay.`) : null;
  const editForm = h(
    'details',
    { class: 'edit more' },
    h('summary', null, 'Edit the action, then approve'),
    editWarn,
    h('div', { class: 'field' }, h('label', { for: 'edit-action' }, EDIT_LABEL[edit?.input?.kind === 'edit' ? edit.input.format : 'text']), editArea),
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
            void quiet(decideChoice(edit, { comment: noteValue(), edited: editArea.value }, 'Approved as edited', editErr));
          },
        },
      }, 'Approve edited'),
    ),
  );

  const parts: HTMLElement[] = [];
  let answerForm: HTMLFormElement | null = null;
  if (r.question) {
    answerForm = questionForm(r.question, (picked, text) => {
      const c = choice('select') ?? (picked.length ? choice(`option:${picked[0]}`) : choice('answer'));
      return decideChoice(c, { selected: picked, answer: text }, 'Answer sent');
    });
    parts.push(answerForm);
  } else parts.push(approveForm);
  const conditional = choice('conditional');
  if (conditional?.input?.kind === 'conditions') parts.push(conditionsForm(conditional.input.fields, (conditions) => decideChoice(conditional, { conditions, comment: noteValue() }, 'Approved with conditions')));
  if (edit) parts.push(editForm);
  parts.push(denyForm);

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
