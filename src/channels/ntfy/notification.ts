// What Greenlight publishes to ntfy, as ntfy's JSON publish body (POST to the server's root URL):
// the request card (../card.ts) laid out for a phone — the action first, then the agent's own
// description (labelled), why the policy asks, who and where — with Approve / Deny buttons (ntfy
// `http` actions that POST a signed, single-use token back to Greenlight) and Open (a `view`
// action) to the dashboard. Where the phone cannot show the whole action, or the request needs more
// than a tap (a question, a conditions form), only Open. A settled request's notification is
// replaced (same `sequence_id`) by one line saying who decided it. Pure: no I/O.
//
// Agent text is plain text here (no `markdown: true`, so ntfy renders nothing in it), with every
// invisible character written out (src/text/).
import type { ApprovalRequest } from '../../core/types.js';
import { clip } from '../../text/clip.js';
import { showInvisible } from '../../text/invisible.js';
import { cardFor, describeOutcome, type CardView } from '../card.js';
import { STEP_UP_NOTE, oneTap } from '../offer.js';

/** Longest action text a notification shows whole; longer is cut and offers only Open. */
export const MAX_ACTION_CHARS = 1000;
/** ntfy turns a message over 4,096 bytes into an attachment; stay well below. */
export const MAX_MESSAGE_BYTES = 3800;
const TITLE_CHARS = 120;

export interface NtfyAction {
  action: 'http' | 'view';
  label: string;
  url: string;
  method?: 'POST';
  headers?: Record<string, string>;
  body?: string;
  clear?: boolean;
}

export interface NtfyMessage {
  topic: string;
  /** Later messages with the same id replace this notification (ntfy 2.16+). */
  sequence_id: string;
  title: string;
  message: string;
  priority: 1 | 2 | 3 | 4 | 5;
  tags: string[];
  click: string;
  actions: NtfyAction[];
}

/**
 * Whether one tap may decide: the request asks no question and wants no conditions form, and the
 * offer (cut where a phone cuts) makes Approve and Deny one tap. Otherwise the notification only
 * opens the dashboard.
 */
export function oneTapChoices(request: ApprovalRequest, view: CardView): ('approve' | 'deny')[] {
  const card = cardFor(request, { maxActionChars: MAX_ACTION_CHARS, ...view });
  if (card.offer.truncated || request.question !== null || request.conditions_schema?.length) return [];
  const tap = new Set(oneTap(card.offer).map((c) => c.id));
  return (['approve', 'deny'] as const).filter((id) => tap.has(id));
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const PRIORITY: Record<ApprovalRequest['priority'], NtfyMessage['priority']> = { low: 2, normal: 3, high: 4, critical: 5 };

/** The message text: each block cut visibly to its share, the whole within MAX_MESSAGE_BYTES. */
function body(stored: ApprovalRequest, view: CardView): { text: string; cut: boolean } {
  const request = view.secrets.shown(stored);
  const card = cardFor(request, { maxActionChars: MAX_ACTION_CHARS, ...view });
  const a = card.action;
  let cut = false;
  const block = (text: string, max: number) => {
    const c = clip(text, max, { mark: '… [cut]' });
    cut ||= c.cut;
    return c.text;
  };
  const lines: string[] = [];
  lines.push(`▶ ${block(a.tool, 100)}${a.text ? ` (${a.what})` : ''}`);
  if (a.text) lines.push(block(a.text, MAX_ACTION_CHARS));
  if (a.extras.length) lines.push(`Also in the input: ${block(a.extras.map((e) => `${e.name} = ${e.value}`).join('; '), 300)}`);
  if (card.description !== null) lines.push('', `Agent's description (its own words): ${block(card.description, 400)}`);
  if (card.why) lines.push('', `Why you are asked: ${block(card.why, 500)}`);
  const facts = card.facts.filter(([k]) => k !== 'Action' && k !== 'Priority').map(([k, v]) => `${k}: ${block(v, 120)}`);
  lines.push('', ...facts);
  if (request.question) {
    lines.push('', 'Question:', ...request.question.options.map((o) => `${block(o.key, 20)}. ${block(o.label, 120)}`));
    lines.push('Answer it on the dashboard (Open).');
  } else if (card.offer.stepUp) lines.push('', `${STEP_UP_NOTE} Approve it on the dashboard (Open); a notification cannot take a code.`);
  else if (request.conditions_schema?.length) lines.push('', 'Asks for conditions: approve it on the dashboard (Open).');
  let text = lines.join('\n');
  if (bytes(text) > MAX_MESSAGE_BYTES) {
    // The blocks are capped, but many facts of multi-byte text can still add up: cut the tail.
    text = clip(text, Math.floor(MAX_MESSAGE_BYTES / 4), { mark: '… [cut]' }).text;
    cut = true;
  }
  return { text, cut };
}

/**
 * The notification announcing a pending request on one topic. `mint` makes the token behind a
 * button (null: this topic gets no buttons); it is called only for buttons the notification shows.
 */
export function announcement(stored: ApprovalRequest, topic: string, view: CardView, mint: ((choice: 'approve' | 'deny') => string) | null): NtfyMessage {
  const request = view.secrets.shown(stored);
  const url = cardFor(request, view).url;
  const { text, cut } = body(request, view);
  const actUrl = `${view.publicUrl.replace(/\/+$/, '')}/v1/ntfy/act`;
  const http = (label: string, token: string): NtfyAction => ({ action: 'http', label, url: actUrl, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }), clear: true });
  const actions: NtfyAction[] = [];
  if (mint && !cut) for (const choice of oneTapChoices(request, view)) actions.push(http(choice === 'approve' ? 'Approve' : 'Deny', mint(choice)));
  actions.push({ action: 'view', label: 'Open', url, clear: false });
  const dangerous = request.policy?.dangerous === true;
  return {
    topic,
    sequence_id: request.id,
    title: clip(`${request.question ? 'Question' : 'Approve?'} ${request.title}`, TITLE_CHARS).text,
    message: text + (cut ? '\n\nCut short here: Open shows all of it.' : ''),
    priority: PRIORITY[request.priority],
    tags: dangerous ? ['warning'] : request.question ? ['question'] : ['hourglass'],
    click: url,
    actions,
  };
}

const OUTCOME_TAG: Record<string, string> = { approved: 'white_check_mark', conditional: 'white_check_mark', answered: 'speech_balloon', denied: 'x', expired: 'hourglass', cancelled: 'heavy_multiplication_x' };

/** The notification that replaces the announcement once the request is settled: who decided it, via what, when. */
export function settled(stored: ApprovalRequest, topic: string, view: CardView): NtfyMessage {
  const request = view.secrets.shown(stored);
  const url = cardFor(request, view).url;
  const outcome = describeOutcome(request);
  return {
    topic,
    sequence_id: request.id,
    title: clip(`${outcome.charAt(0).toUpperCase()}${outcome.slice(1)}`, TITLE_CHARS).text,
    message: showInvisible(`${cardFor(request, view).status}\n${clip(request.title, 300).text}\nNothing is left to decide.`),
    priority: 2,
    tags: [OUTCOME_TAG[request.status] ?? 'information_source'],
    click: url,
    actions: [{ action: 'view', label: 'Open', url, clear: true }],
  };
}
