// Where a chat channel (Telegram, Slack, Discord) announces a request, by the server's routing — the
// agent never picks: the conversation the agent hinted if it is one of the project's routes to this
// channel; else those routes; else the channel's defaults; plus each routed approver's own direct
// conversation, as the channel's setting says (`always`; `fallback`: only when nothing else covers
// the request; `never`). A request on an escalation ladder (src/core/workflow.ts) goes where the
// ladder's started steps say instead: their chats on this channel and the direct conversations of
// the people they asked here. In order, without duplicates. Pure.
import type { ApprovalRequest, RequestEvent } from '../core/types.js';
import type { ApproverIdentity, ChannelContext } from './channel.js';
import { ladderTargets, stepStarted } from './workflow-view.js';

export interface RouteOptions {
  /** Where a request goes when its project has no route to this channel. */
  defaults: readonly string[];
  /** Routed approvers' direct conversations: when, and each approver's address (undefined: none). */
  direct?: { when: 'always' | 'fallback' | 'never'; of: (approver: ApproverIdentity) => string | undefined };
}

export function routeTargets(request: ApprovalRequest, channel: string, options: RouteOptions, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): string[] {
  const ladder = ladderTargets(request, channel);
  if (ladder) return [...new Set([...ladder, ...directOf(ctx.approversFor(request, channel), options)])];
  const project = request.project ? ctx.config.projects.find((p) => p.name === request.project) : undefined;
  const routes = (project?.routes ?? []).filter((r) => r.channel === channel).map((r) => r.target);
  let out: string[];
  if (request.target && (request.channel === null || request.channel === channel) && routes.includes(request.target)) out = [request.target];
  else if (routes.length) out = routes;
  else out = [...options.defaults];
  const direct = options.direct;
  if (direct && (direct.when === 'always' || (direct.when === 'fallback' && out.length === 0))) {
    for (const a of ctx.approversFor(request)) {
      const address = direct.of(a);
      if (address !== undefined) out.push(address);
    }
  }
  return [...new Set(out)];
}

const directOf = (approvers: ApproverIdentity[], options: RouteOptions): string[] => (options.direct ? approvers.flatMap((a) => options.direct!.of(a) ?? []) : []);

/**
 * Where a ladder step this event started is announced on `channel` now: the step's chats here and
 * the direct conversations of the people it asked here (empty unless the event started a step).
 * Conversations that already have the card keep it; the channel refreshes it.
 */
export function stepTargets(event: RequestEvent, channel: string, options: Pick<RouteOptions, 'direct'>, ctx: Pick<ChannelContext, 'approversFor'>): string[] {
  const started = stepStarted(event, channel);
  if (!started) return [];
  const asked = ctx.approversFor(event.request, channel).filter((a) => started.approvers.includes(a.name));
  return [...new Set([...started.targets, ...directOf(asked, { defaults: [], ...options })])];
}
