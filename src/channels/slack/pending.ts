// `/greenlight pending`: what waits for the caller to decide, as an ephemeral message only they see
// — each request's title, the start of its action, who asks and until when, and a link to it on
// the dashboard (its card, with the buttons, is where it was announced). Agent text plain_text only,
// with its secrets masked.
import type { Principal } from '../../core/types.js';
import { actionAsItRuns } from '../action.js';
import { fmtTime, requestUrl } from '../card.js';
import { OPEN_ACTION, plainText, type Block } from './blocks.js';
import { escapeMrkdwn, plain } from './escape.js';
import type { SlackDeps } from './deps.js';
import { mayDecide } from '../who-decides.js';

export async function pendingList(deps: SlackDeps, principal: Principal): Promise<Record<string, unknown>> {
  const page = await deps.ctx.gate.pending(principal, 200);
  const mine = page.items.filter((r) => mayDecide(deps.ctx, principal, r));
  if (mine.length === 0) return { response_type: 'ephemeral', text: 'Nothing waits for you to decide.' };
  const shown = mine.slice(0, deps.settings.pending_limit);
  const more = mine.length - shown.length;
  const head = `${mine.length} request${mine.length === 1 ? '' : 's'} wait${mine.length === 1 ? 's' : ''} for you${more ? ` (the ${shown.length} oldest shown)` : ''}.`;
  const blocks: Block[] = [{ type: 'section', text: plainText(head) }];
  for (const stored of shown) {
    const r = deps.ctx.secrets.shown(stored);
    const a = actionAsItRuns(r);
    const firstLine = a.text.split('\n')[0] ?? '';
    const lines = [plain(r.title, 200).text, `▶ ${plain(a.tool, 60).text}${firstLine ? `: ${plain(firstLine, 200).text}` : ''}`, `${plain(r.agent, 60).text}${r.project ? ` · ${plain(r.project, 60).text}` : ''} · expires ${fmtTime(r.expires_at)}`];
    blocks.push({ type: 'section', text: plainText(lines.join('\n')), accessory: { type: 'button', action_id: OPEN_ACTION, value: r.id, url: requestUrl(deps.ctx.publicUrl, r.id), text: plainText('Open') } });
  }
  return { response_type: 'ephemeral', text: escapeMrkdwn(head), blocks };
}
