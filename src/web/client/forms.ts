// Forms generated from what the agent sent: the conditional-approval form (conditions_schema) and
// the answer form (question). Validated here for quick feedback, and again by the server.
import { h } from './dom.js';
import type { ConditionField, Question } from './types.js';
import { conditionValue } from '../../channels/offer.js';

type Values = Record<string, string | number | boolean>;

function fieldError(id: string): HTMLElement {
  return h('p', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
}

function setError(input: HTMLElement, err: HTMLElement, message: string): void {
  err.textContent = message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

export function conditionsForm(schema: ConditionField[], submit: (values: Values) => Promise<void>): HTMLFormElement {
  const rows: { field: ConditionField; input: HTMLInputElement | HTMLSelectElement; err: HTMLElement }[] = [];
  const form = h('form', { class: 'conditions', novalidate: true }, h('h4', null, 'Approve with conditions'));
  for (const field of schema) {
    const id = `cond-${field.name}`;
    const err = fieldError(id);
    const describedBy = [field.description ? `${id}-desc` : '', `${id}-err`].filter(Boolean).join(' ');
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.type === 'select') {
      input = h('select', { id, name: field.name, 'aria-describedby': describedBy, required: field.required }, h('option', { value: '' }, field.required ? 'Choose…' : '(none)'));
      for (const o of field.options ?? []) input.appendChild(h('option', { value: o }, o));
    } else if (field.type === 'boolean') {
      input = h('input', { id, name: field.name, type: 'checkbox', 'aria-describedby': describedBy });
    } else {
      input = h('input', { id, name: field.name, type: field.type === 'number' ? 'text' : 'text', inputmode: field.type === 'number' ? 'decimal' : undefined, 'aria-describedby': describedBy, required: field.required, autocomplete: 'off' });
    }
    const label = h('label', { for: id }, field.label || field.name, field.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null, field.required ? h('span', { class: 'sr-only' }, ' (required)') : null);
    const desc = field.description ? h('p', { class: 'muted field-desc', id: `${id}-desc` }, field.description) : null;
    form.appendChild(h('div', { class: `field field-${field.type}` }, field.type === 'boolean' ? h('div', { class: 'check' }, input, label) : label, field.type === 'boolean' ? null : input, desc, err));
    rows.push({ field, input, err });
  }
  const status = h('p', { class: 'form-error', role: 'alert' });
  const btn = h('button', { type: 'submit', class: 'btn approve' }, 'Approve with conditions');
  form.append(status, h('div', { class: 'row' }, btn));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const values: Values = {};
    let firstBad: HTMLElement | null = null;
    for (const { field, input, err } of rows) {
      let message = '';
      if (field.type === 'boolean') {
        values[field.name] = (input as HTMLInputElement).checked;
      } else {
        // The one reading of a typed value every channel uses (src/channels/offer.ts).
        const v = conditionValue(field, input.value);
        if ('error' in v) message = v.error;
        else if (v.value !== undefined) values[field.name] = v.value;
      }
      setError(input, err, message);
      if (message && !firstBad) firstBad = input;
    }
    if (firstBad) {
      status.textContent = 'Fix the marked fields first.';
      firstBad.focus();
      return;
    }
    status.textContent = '';
    btn.disabled = true;
    try {
      await submit(values);
    } catch (e) {
      status.textContent = (e as Error).message;
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

/** The answer form; `submit` gets the option keys picked and the free text (the offer turns them into a decision). */
export function questionForm(q: Question, submit: (picked: string[], text: string) => Promise<void>): HTMLFormElement {
  const form = h('form', { class: 'question', novalidate: true });
  const group = h('fieldset', null, h('legend', null, q.multi_select ? 'Answer (pick one or more)' : 'Answer'));
  const inputs: HTMLInputElement[] = [];
  for (const o of q.options) {
    const id = `q-${o.key}`;
    const input = h('input', { type: q.multi_select ? 'checkbox' : 'radio', name: 'answer', id, value: o.key });
    inputs.push(input);
    group.appendChild(
      h('div', { class: 'option' }, input, h('label', { for: id }, h('span', { class: 'key' }, o.key), ' ', o.label, o.description ? h('span', { class: 'muted block' }, o.description) : null)),
    );
  }
  let free: HTMLInputElement | null = null;
  if (q.allow_free_text) {
    free = h('input', { type: 'text', id: 'q-free', name: 'free', autocomplete: 'off', maxlength: 10000 });
    group.appendChild(h('div', { class: 'field' }, h('label', { for: 'q-free' }, q.options.length ? 'Or write your own answer' : 'Your answer'), free));
  }
  const status = h('p', { class: 'form-error', role: 'alert' });
  const btn = h('button', { type: 'submit', class: 'btn approve' }, 'Send answer');
  form.append(group, status, h('div', { class: 'row' }, btn));
  form.addEventListener('change', () => (status.textContent = ''));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const picked = inputs.filter((i) => i.checked).map((i) => i.value);
    const text = free?.value.trim() ?? '';
    if (!text && picked.length === 0) {
      status.textContent = q.options.length ? 'Pick an option first.' : 'Write an answer first.';
      (inputs[0] ?? free)?.focus();
      return;
    }
    status.textContent = '';
    btn.disabled = true;
    try {
      await submit(text && !q.multi_select ? [] : picked, text);
    } catch (e) {
      status.textContent = (e as Error).message;
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}
