// The shape of what Slack sends, checked before anything acts on it: interaction payloads
// (block_actions, view_submission, and the kinds Greenlight only acknowledges) and how deep any of
// it may nest. Whatever does not look like Slack's own payload is refused with VALIDATION_FAILED
// and a message that says what is wrong; nothing in it is acted on.
import { MAX_JSON_DEPTH } from '../../core/bounded-json.js';
import { GreenlightError } from '../../core/errors.js';
import { USER_ID } from './config.js';

export type Interaction =
  | {
      type: 'block_actions';
      user: { id: string; name: string | null };
      triggerId: string;
      /** The first action (Greenlight's cards carry one per click). */
      action: { action_id: string; value: string };
      /** Where the clicked message is (null: a modal or an unknown surface). */
      channel: string | null;
      messageTs: string | null;
    }
  | { type: 'view_submission'; user: { id: string; name: string | null }; callbackId: string; privateMetadata: string; values: Record<string, unknown> }
  | { type: 'other'; kind: string };

export function refuse(message: string): never {
  throw new GreenlightError('VALIDATION_FAILED', `Not a Slack payload Greenlight takes: ${message}`);
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length <= max ? v : null);

/** Whether a parsed value nests objects/arrays deeper than the limit (iterative: no stack to overflow). */
export function nestsTooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

function userOf(p: Record<string, unknown>): { id: string; name: string | null } {
  const u = obj(p.user);
  const id = str(u?.id, 40);
  if (!id || !USER_ID.test(id)) refuse('user.id must be a Slack member id (U… or W…).');
  return { id, name: str(u?.username, 200) ?? str(u?.name, 200) };
}

/** A payload as Slack sends it to the Interactivity URL (or over Socket Mode), checked. */
export function validInteraction(raw: unknown): Interaction {
  const p = obj(raw);
  if (!p) refuse('the payload must be a JSON object.');
  if (nestsTooDeep(p)) throw new GreenlightError('JSON_TOO_DEEP', `The Slack payload nests more than ${MAX_JSON_DEPTH} levels deep.`);
  const type = str(p.type, 64);
  if (!type) refuse('the payload has no type.');
  if (type === 'block_actions') {
    const user = userOf(p);
    const actions = p.actions;
    if (!Array.isArray(actions) || actions.length < 1 || actions.length > 25) refuse('block_actions carries 1 to 25 actions.');
    const a = obj(actions[0]);
    const action_id = str(a?.action_id, 255);
    if (!action_id) refuse('each action has an action_id of at most 255 characters.');
    const value = str(a?.value, 2000) ?? '';
    const triggerId = str(p.trigger_id, 300);
    if (!triggerId) refuse('block_actions carries a trigger_id.');
    const container = obj(p.container);
    const channel = str(container?.channel_id, 40) ?? str(obj(p.channel)?.id, 40);
    const messageTs = str(container?.message_ts, 40) ?? str(obj(p.message)?.ts, 40);
    return { type, user, triggerId, action: { action_id, value }, channel, messageTs };
  }
  if (type === 'view_submission') {
    const user = userOf(p);
    const view = obj(p.view);
    const callbackId = str(view?.callback_id, 255);
    const privateMetadata = str(view?.private_metadata, 3000);
    const values = obj(obj(view?.state)?.values);
    if (callbackId === null || privateMetadata === null || !values) refuse('view_submission carries view.callback_id, view.private_metadata and view.state.values.');
    return { type, user, callbackId, privateMetadata, values };
  }
  return { type: 'other', kind: type };
}
