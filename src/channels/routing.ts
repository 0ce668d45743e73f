// Where a chat channel (Telegram, Slack, Discord) announces a request, by the server's routing — the
// agent never picks: the conversation the agent hinted if it is one of the project's routes to this
// channel; else those routes; else the channel's defaults; plus each routed approver's own direct
// conversation, as the channel's setting says (`always`; `fallback`: only when nothing else covers
// the request; `never`). In order, without duplicates. Pure.
import type { ApprovalRequest } from '../core/types.js';
import type { ApproverIdentity, ChannelContext } from './channel.js';

export interface RouteOptions {
  /** Where a request goes when its project has no route to this channel. */
  defaults: readonly string[];
  /** Routed approvers' direct conversations: when, and each approver's address (undefined: none). */
  direct?: { when: 'always' | 'fallback' | 'never'; of: (approver: ApproverIdentity) => string | undefined };
}

export function routeTargets(request: ApprovalRequest, channel: string, options: RouteOptions, ctx: Pick<ChannelContext, 'config' | 'approversFor'>): string[] {
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
