// The request card, channel-neutral: what every channel that tells a human about a request says,
// in the order it says it — the action as it will run (./action.ts), the agent's own description,
// why the policy asks, the facts (agent, project, directory, ...), what the approver may do
// (./offer.ts) — and, once settled, one status line: "Approved by alice via telegram · 2026-01-06
// 14:02 UTC". Raw text: each channel writes out invisible characters and escapes for its format
// (src/text/), cuts with src/text/clip.ts, and links to the whole request on the dashboard
// (requestUrl) wherever it had to cut. Everything on the card comes from the request with its
// secrets masked (src/secrets/): cardFor masks, so a channel built on it cannot forget to.
import type { ApprovalRequest } from '../core/types.js';
import { actionAsItRuns, type ActionView } from './action.js';
import { showInvisible } from '../text/invisible.js';
import { offerFor, type Offer, type OfferOptions } from './offer.js';
import type { SecretMasker } from '../secrets/masker.js';
import { maskOf, type MaskReport } from '../secrets/mask-request.js';
import { progressLines } from './workflow-view.js';

export const fmtTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The request on the dashboard: where a channel that cut something sends the approver. */
export const requestUrl = (publicUrl: string, id: string): string => `${publicUrl.replace(/\/+$/, '')}/#/r/${encodeURIComponent(id)}`;

/**
 * "approved by alice via email", "approved (session) by …", "cancelled by the agent" — or, when a
 * cancel carries its reason (the channel relay's "Allowed at the terminal"), who closed it and why.
 */
export function describeOutcome(r: Pick<ApprovalRequest, 'status' | 'decision'>): string {
  const d = r.decision;
  if (r.status === 'cancelled') return d?.comment ? `cancelled by ${d.decided_by} via ${d.via}: ${d.comment}` : 'cancelled by the agent';
  if (!d) return r.status;
  const scope = r.status === 'approved' && d.scope !== 'once' ? ` (${d.scope})` : '';
  const what = r.status === 'conditional' ? 'approved with conditions' : `${r.status}${scope}`;
  return `${what} by ${d.decided_by} via ${d.via}`;
}

/** One line for a settled request, as chat and push channels put it where the buttons were. */
export function statusLine(r: Pick<ApprovalRequest, 'status' | 'decision' | 'updated_at'>): string {
  const text = describeOutcome(r);
  const at = r.decision?.decided_at ?? r.updated_at;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} · ${fmtTime(at)}`;
}

/** "Why you are asked": the policy's reason, its rule, and the dangers it found. */
export function whyText(r: Pick<ApprovalRequest, 'policy'>): string | null {
  const p = r.policy;
  if (!p) return null;
  const lines = [p.reason];
  if (p.rule) lines.push(`Rule: ${p.rule}`);
  if (p.dangerous) lines.push(`Flagged as dangerous: never approved automatically${p.danger_reasons?.length ? ` (${p.danger_reasons.join('; ')})` : ''}.`);
  return lines.join('\n');
}

/** The facts of a request as label/value rows (values are raw agent text: escape them). */
export function factRows(r: ApprovalRequest): [string, string][] {
  const rows: [string, string][] = [['Action', r.tool ? `${r.action_type} (${r.tool})` : r.action_type], ['Agent', r.requester ? `${r.agent} (for ${r.requester})` : r.agent]];
  if (r.project) rows.push(['Project', r.project]);
  if (r.cwd) rows.push(['Directory', r.cwd]);
  if (r.host) rows.push(['Host', r.host]);
  if (r.session_id) rows.push(['Session', r.session_id]);
  rows.push(['Priority', r.priority]);
  for (const line of progressLines(r)) rows.push([line.startsWith('Step ') ? 'Escalation' : 'Approvals', line]);
  rows.push(['Expires', fmtTime(r.expires_at)], ['Request', r.id]);
  return rows;
}

export interface Card {
  title: string;
  /** Secrets masked in everything the card shows (null: none). */
  masked: MaskReport | null;
  /** The action as it will run: what the card leads with. */
  action: ActionView;
  /** The agent's own words about the action, shown second and labelled as such (null: none). */
  description: string | null;
  why: string | null;
  facts: [string, string][];
  offer: Offer;
  /** The whole request on the dashboard. */
  url: string;
  /** Null while pending; else the status line. */
  status: string | null;
  /** Quorum and escalation ladder: "1 of 2 approvals — alice approved", "Step 2 of 3: asked …" (empty: no workflow). */
  progress: string[];
}

/** Everything a channel shows of a request, before its own layout and escaping. */
/** What a card needs beyond the request: where the dashboard is, and the server's masking (a ChannelContext is one). */
export interface CardView {
  publicUrl: string;
  secrets: SecretMasker;
}

export function cardFor(request: ApprovalRequest, options: OfferOptions & CardView): Card {
  const r = options.secrets.shown(request);
  const action = actionAsItRuns(r);
  return {
    title: r.title,
    masked: maskOf(r),
    action,
    description: action.description,
    why: whyText(r),
    facts: factRows(r),
    offer: offerFor(r, options),
    url: requestUrl(options.publicUrl, r.id),
    status: r.status === 'pending' ? null : statusLine(r),
    progress: progressLines(r),
  };
}

/** The whole request as plain text, for the file a channel attaches where it had to cut the card: the action first. */
export function fullText(request: ApprovalRequest): string {
  const action = actionAsItRuns(request);
  const lines: string[] = [`Greenlight request ${request.id}`, '', `Title: ${request.title}`, `Status: ${request.status}`, '', `The action: ${action.tool} (${action.what})`];
  if (action.text) lines.push(action.text);
  for (const e of action.extras) lines.push(`Also in the input: ${e.name} = ${e.value}`);
  if (action.description !== null) lines.push('', "Agent's description (the agent's own words, not checked against the action):", action.description);
  if (request.policy) lines.push('', `Why you are asked — policy: ${request.policy.verdict}${request.policy.rule ? ` (${request.policy.rule})` : ''}${request.policy.dangerous ? ' [dangerous]' : ''}:`, request.policy.reason);
  lines.push('', `Agent: ${request.agent}`);
  const opt = (label: string, v: string | null) => v && lines.push(`${label}: ${v}`);
  opt('Project', request.project);
  opt('Dir', request.cwd);
  opt('Host', request.host);
  opt('Session', request.session_id);
  opt('Requester', request.requester);
  lines.push(`Priority: ${request.priority}`, `Created: ${new Date(request.created_at).toISOString()}`, `Expires: ${new Date(request.expires_at).toISOString()}`);
  if (request.context) lines.push('', 'Context:', request.context);
  if (request.question) {
    lines.push('', `Question (${request.question.multi_select ? 'pick one or more' : 'pick one'}${request.question.allow_free_text ? ', or answer freely' : ''}):`);
    for (const o of request.question.options) lines.push(`  ${o.key}. ${o.label}${o.description ? ` — ${o.description}` : ''}`);
  }
  if (request.conditions_schema?.length) lines.push('', 'Conditions schema:', JSON.stringify(request.conditions_schema, null, 2));
  if (request.input !== null && request.input !== undefined) lines.push('', 'Input (JSON):', JSON.stringify(request.input, null, 2) ?? '');
  if (request.metadata) lines.push('', 'Metadata (JSON):', JSON.stringify(request.metadata, null, 2));
  return showInvisible(lines.join('\n')) + '\n';
}
