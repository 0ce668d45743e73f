// Slack's Block Kit rules, as the fake Web API applies them to what Greenlight sends: the block and
// element kinds Greenlight may use, their required fields, and Slack's documented limits (header
// 150 characters, section text 3,000, a field 2,000, 10 fields, 25 elements in an actions block, 50
// blocks in a message and 100 in a modal, button text 75, value 2,000, action_id and block_id 255,
// modal title / submit / close 24, private_metadata 3,000, 100 select options of 75-character text
// and 150-character values, 10 checkboxes or radio buttons). Slack answers `invalid_blocks` for any
// of these; so does the fake, with the reason, so a test fails where real Slack would refuse.

type J = Record<string, any>;

class Invalid extends Error {}

const fail = (where: string, why: string): never => {
  throw new Invalid(`${where}: ${why}`);
};

function only(o: J, where: string, allowed: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(where, `unknown field ${k}`);
}

function textObject(t: any, where: string, max: number, plainOnly = false): void {
  if (!t || typeof t !== 'object') fail(where, 'must be a text object');
  if (t.type === 'plain_text') only(t, where, ['type', 'text', 'emoji']);
  else if (t.type === 'mrkdwn' && !plainOnly) only(t, where, ['type', 'text', 'verbatim']);
  else fail(where, `text type ${t.type} not allowed here`);
  if (typeof t.text !== 'string' || t.text.length === 0) fail(where, 'text must be a non-empty string');
  if (t.text.length > max) fail(where, `text is ${t.text.length} characters; the limit is ${max}`);
}

function option(o: any, where: string): void {
  only(o, where, ['text', 'value', 'description']);
  textObject(o.text, `${where}.text`, 75, true);
  if (typeof o.value !== 'string' || !o.value || o.value.length > 150) fail(where, 'value must be 1–150 characters');
}

function element(e: any, where: string, ids: Set<string>, inModal: boolean): void {
  if (typeof e?.action_id !== 'string' || e.action_id.length > 255) fail(where, 'action_id must be a string of at most 255 characters');
  if (ids.has(e.action_id)) fail(where, `action_id ${e.action_id} is used twice in one block`);
  ids.add(e.action_id);
  switch (e.type) {
    case 'button':
      only(e, where, ['type', 'action_id', 'text', 'value', 'url', 'style', 'confirm']);
      textObject(e.text, `${where}.text`, 75, true);
      if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000)) fail(where, 'value must be at most 2000 characters');
      if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length > 3000 || !/^https?:\/\//.test(e.url))) fail(where, 'url must be an http(s) URL of at most 3000 characters');
      if (e.style !== undefined && !['primary', 'danger'].includes(e.style)) fail(where, 'style is primary or danger');
      return;
    case 'plain_text_input':
      if (!inModal) fail(where, 'inputs belong in modals');
      only(e, where, ['type', 'action_id', 'multiline', 'max_length', 'min_length', 'initial_value', 'placeholder']);
      if (e.max_length !== undefined && (e.max_length < 1 || e.max_length > 3000)) fail(where, 'max_length is 1–3000');
      if (e.initial_value !== undefined && (typeof e.initial_value !== 'string' || e.initial_value.length > (e.max_length ?? 3000))) fail(where, 'initial_value is longer than max_length');
      return;
    case 'number_input':
      only(e, where, ['type', 'action_id', 'is_decimal_allowed', 'initial_value', 'min_value', 'max_value', 'placeholder']);
      if (typeof e.is_decimal_allowed !== 'boolean') fail(where, 'number_input needs is_decimal_allowed');
      return;
    case 'static_select':
    case 'multi_static_select':
      only(e, where, ['type', 'action_id', 'options', 'placeholder', 'initial_option', 'initial_options']);
      if (!Array.isArray(e.options) || e.options.length < 1 || e.options.length > 100) fail(where, '1–100 options');
      e.options.forEach((o: any, i: number) => option(o, `${where}.options[${i}]`));
      if (e.placeholder) textObject(e.placeholder, `${where}.placeholder`, 150, true);
      return;
    case 'checkboxes':
    case 'radio_buttons':
      only(e, where, ['type', 'action_id', 'options', 'initial_options', 'initial_option']);
      if (!Array.isArray(e.options) || e.options.length < 1 || e.options.length > 10) fail(where, '1–10 options');
      e.options.forEach((o: any, i: number) => option(o, `${where}.options[${i}]`));
      return;
    default:
      fail(where, `element type ${e?.type} is not one Greenlight uses`);
  }
}

export function checkBlocks(blocks: any, surface: 'message' | 'modal'): void {
  const max = surface === 'message' ? 50 : 100;
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > max) fail('blocks', `1–${max} blocks`);
  const blockIds = new Set<string>();
  blocks.forEach((b: any, i: number) => {
    const where = `blocks[${i}] (${b?.type})`;
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== 'string' || b.block_id.length > 255) fail(where, 'block_id is at most 255 characters');
      if (blockIds.has(b.block_id)) fail(where, `block_id ${b.block_id} is used twice`);
      blockIds.add(b.block_id);
    }
    const ids = new Set<string>();
    switch (b.type) {
      case 'header':
        only(b, where, ['type', 'text', 'block_id']);
        return textObject(b.text, `${where}.text`, 150, true);
      case 'divider':
        return only(b, where, ['type', 'block_id']);
      case 'section':
        only(b, where, ['type', 'text', 'fields', 'accessory', 'block_id']);
        if (b.text === undefined && b.fields === undefined) fail(where, 'a section needs text or fields');
        if (b.text !== undefined) textObject(b.text, `${where}.text`, 3000);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) fail(where, '1–10 fields');
          b.fields.forEach((f: any, k: number) => textObject(f, `${where}.fields[${k}]`, 2000));
        }
        if (b.accessory !== undefined) element(b.accessory, `${where}.accessory`, ids, surface === 'modal');
        return;
      case 'context':
        only(b, where, ['type', 'elements', 'block_id']);
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) fail(where, '1–10 elements');
        return b.elements.forEach((e: any, k: number) => textObject(e, `${where}.elements[${k}]`, 3000));
      case 'actions':
        only(b, where, ['type', 'elements', 'block_id']);
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) fail(where, '1–25 elements');
        return b.elements.forEach((e: any, k: number) => element(e, `${where}.elements[${k}]`, ids, surface === 'modal'));
      case 'input':
        if (surface !== 'modal') fail(where, 'input blocks belong in modals');
        only(b, where, ['type', 'label', 'element', 'block_id', 'optional', 'hint', 'dispatch_action']);
        textObject(b.label, `${where}.label`, 2000, true);
        if (b.hint !== undefined) textObject(b.hint, `${where}.hint`, 2000, true);
        if (b.optional !== undefined && typeof b.optional !== 'boolean') fail(where, 'optional is a boolean');
        return element(b.element, `${where}.element`, ids, true);
      default:
        fail(where, `block type ${b?.type} is not one Greenlight uses`);
    }
  });
}

export function checkModal(view: any): void {
  if (!view || typeof view !== 'object') fail('view', 'must be an object');
  only(view, 'view', ['type', 'title', 'submit', 'close', 'blocks', 'callback_id', 'private_metadata', 'clear_on_close', 'notify_on_close', 'external_id']);
  if (view.type !== 'modal') fail('view.type', 'must be modal');
  textObject(view.title, 'view.title', 24, true);
  if (view.submit !== undefined) textObject(view.submit, 'view.submit', 24, true);
  if (view.close !== undefined) textObject(view.close, 'view.close', 24, true);
  if (view.callback_id !== undefined && (typeof view.callback_id !== 'string' || view.callback_id.length > 255)) fail('view.callback_id', 'at most 255 characters');
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)) fail('view.private_metadata', 'at most 3000 characters');
  checkBlocks(view.blocks, 'modal');
  if (view.blocks.some((b: any) => b.type === 'input') && !view.submit) fail('view.submit', 'a modal with inputs needs a submit button');
}

/** Null when Slack would take it; else why not. */
export function blockKitProblem(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    throw err;
  }
}
