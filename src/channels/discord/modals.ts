// The choices that need input, as Discord modals: deny with a reason, edit then approve (prefilled
// with the action as it will run), approve with conditions (one text input per field of the
// request's conditions_schema), and a free-text answer. A modal holds at most five text inputs of
// at most 4,000 characters: a conditions form with more fields, or an action too long to prefill,
// is not offered here and the card sends the approver to the dashboard instead. An action with
// invisible characters is not prefilled either: a text box would hide them (the dashboard points
// them out). Submitted values become the offer's `Given` (../offer.ts), and conditions are read
// with the same conditionValue every channel uses. Approving a request that needs step-up opens a
// modal for the approver's 6-digit code. Pure: no I/O.
import type { ApprovalRequest, ConditionField } from '../../core/types.js';
import { describeInvisible } from '../../text/invisible.js';
import { conditionValue, editStart, type Choice, type Given } from '../offer.js';
import { encodeCustomId } from './custom-id.js';
import { clipPlain } from './escape.js';

/** Discord's limits for a modal. */
export const MODAL = { inputs: 5, title: 45, label: 45, placeholder: 100, value: 4000 } as const;

export const conditionsFit = (fields: readonly ConditionField[]): boolean => fields.length > 0 && fields.length <= MODAL.inputs;

/** Whether the action fits a form's text box whole (else editing is for the dashboard). */
export const editFits = (r: Pick<ApprovalRequest, 'tool' | 'input' | 'question' | 'preview'>): boolean => editStart(r).length <= MODAL.value;

interface TextInput {
  type: 4;
  custom_id: string;
  style: 1 | 2;
  label: string;
  required: boolean;
  max_length: number;
  placeholder?: string;
  value?: string;
}

export interface Modal {
  custom_id: string;
  title: string;
  components: { type: 1; components: [TextInput] }[];
}

const row = (input: TextInput) => ({ type: 1 as const, components: [input] as [TextInput] });
const EDIT_LABEL = { command: 'The command, as it will run', json: 'The input (JSON), as it will run', text: 'The action' } as const;

function hint(f: ConditionField): string {
  switch (f.type) {
    case 'number':
      return 'A number';
    case 'boolean':
      return 'yes or no';
    case 'select':
      return `One of: ${(f.options ?? []).join(', ')}`;
    default:
      return f.description ?? '';
  }
}

/** The modal a choice opens, or why this request cannot take it in Discord (with where to go instead). */
export function modalFor(r: ApprovalRequest, c: Choice, dashboardUrl: string): { modal: Modal } | { refusal: string } {
  const id = encodeCustomId({ surface: 'm', choice: c.id, requestId: r.id });
  const input = c.input;
  switch (input?.kind) {
    case 'reason':
      return { modal: { custom_id: id, title: 'Deny with a reason', components: [row({ type: 4, custom_id: 'reason', style: 2, label: 'Why? The agent reads this.', required: true, max_length: MODAL.value })] } };
    case 'answer':
      return { modal: { custom_id: id, title: 'Your answer', components: [row({ type: 4, custom_id: 'answer', style: 2, label: 'Your answer, in your own words', required: true, max_length: MODAL.value })] } };
    case 'edit': {
      const start = editStart(r);
      const hidden = describeInvisible(start, 'the action');
      if (hidden) return { refusal: `Careful: ${hidden}. A Discord text box would hide them, so edit it on the dashboard, where they are pointed out: ${dashboardUrl}` };
      if (!editFits(r)) return { refusal: `The action is longer than a Discord form holds (${MODAL.value} characters). Edit it on the dashboard: ${dashboardUrl}` };
      return { modal: { custom_id: id, title: 'Edit, then approve', components: [row({ type: 4, custom_id: 'edited', style: 2, label: EDIT_LABEL[input.format], required: true, max_length: MODAL.value, value: start })] } };
    }
    case 'code':
      // Step-up: the approver's second factor (the gate checks it).
      return { modal: { custom_id: id, title: 'Confirm with your code', components: [row({ type: 4, custom_id: 'code', style: 1, label: 'The 6-digit code from your app', required: true, max_length: 64, placeholder: '123456' })] } };
    case 'conditions': {
      if (!conditionsFit(input.fields)) return { refusal: `This form has more fields than a Discord form holds (${MODAL.inputs}). Approve with conditions on the dashboard: ${dashboardUrl}` };
      const components = input.fields.map((f, i) => {
        const placeholder = clipPlain(hint(f), MODAL.placeholder);
        return row({ type: 4, custom_id: `f${i}`, style: f.type === 'text' ? 2 : 1, label: clipPlain(f.label ?? f.name, MODAL.label), required: f.required === true, max_length: f.type === 'text' ? MODAL.value : 200, ...(placeholder ? { placeholder } : {}) });
      });
      return { modal: { custom_id: id, title: 'Approve with conditions', components } };
    }
    default:
      return { refusal: 'That choice needs no form.' };
  }
}

/** What a modal sent back, by the input's custom_id (only strings; anything else is left out). */
export function submittedValues(components: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: unknown, depth: number) => {
    if (depth > 3 || out.size > 10 || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return void node.slice(0, 10).forEach((n) => visit(n, depth + 1));
    const o = node as Record<string, unknown>;
    if (typeof o.custom_id === 'string' && typeof o.value === 'string' && o.custom_id.length <= 100) out.set(o.custom_id, o.value.slice(0, MODAL.value));
    visit(o.components, depth + 1);
    visit(o.component, depth + 1);
  };
  visit(components, 0);
  return out;
}

/** The offer's Given for a submitted modal, or every problem with what was typed. */
export function givenFrom(c: Choice, values: Map<string, string>): { given: Given } | { error: string } {
  const input = c.input;
  switch (input?.kind) {
    case 'reason':
      return { given: { comment: values.get('reason') ?? '' } };
    case 'answer':
      return { given: { answer: values.get('answer') ?? '' } };
    case 'code':
      return { given: { code: values.get('code') ?? '' } };
    case 'edit':
      return values.has('edited') ? { given: { edited: values.get('edited')! } } : { error: 'The form came back without the edited action.' };
    case 'conditions': {
      const conditions: Record<string, string | number | boolean> = {};
      const problems: string[] = [];
      input.fields.forEach((f, i) => {
        const v = conditionValue(f, values.get(`f${i}`) ?? '');
        if ('error' in v) problems.push(v.error);
        else if (v.value !== undefined) conditions[f.name] = v.value;
      });
      return problems.length ? { error: problems.join(' ') } : { given: { conditions } };
    }
    default:
      return { error: 'That choice takes no form.' };
  }
}
