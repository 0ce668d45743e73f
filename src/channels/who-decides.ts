// Who may decide a request from a channel, and if not, why — the one rule behind every chat
// channel's refusals (Telegram, Slack, Discord), so each audits the same reasons: someone who is no
// approver (`not_an_approver`), the approver who filed it (`filer`: nobody decides their own
// request), and an approver it is not routed to (`not_routed`). Admins decide everything. The gate
// checks again when deciding; this is what a channel says before it tries. A request with a
// workflow (src/core/workflow.ts) names who votes itself: its eligible approvers, admins included
// only when named. Pure.
import type { ApprovalRequest, Principal } from '../core/types.js';
import type { ChannelContext } from './channel.js';

export type Refusal = 'not_an_approver' | 'filer' | 'not_routed';

export function refusalFor(ctx: Pick<ChannelContext, 'approversFor'>, principal: Principal | null, request: ApprovalRequest): Refusal | null {
  if (!principal) return 'not_an_approver';
  if (request.workflow) return request.workflow.eligible.includes(principal.name) ? null : principal.name === request.agent ? 'filer' : 'not_routed';
  if (principal.role === 'admin') return null;
  if (principal.role === 'approver' && ctx.approversFor(request).some((a) => a.name === principal.name)) return null;
  return principal.name === request.agent ? 'filer' : 'not_routed';
}

/** Whether this principal decides this request. */
export const mayDecide = (ctx: Pick<ChannelContext, 'approversFor'>, principal: Principal, request: ApprovalRequest): boolean => refusalFor(ctx, principal, request) === null;
