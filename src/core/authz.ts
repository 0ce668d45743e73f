// Who may do what. Only agents file requests, and agents never decide; approvers decide what is
// routed to them; admins do the rest. Nobody decides a request they filed.
import { GreenlightError, notFound } from './errors.js';
import type { ApprovalRequest, Principal } from './types.js';
import type { RoutingSettings } from './routing.js';

/** An agent sees only its own requests (a 404, so ids of others do not leak). */
export function assertCanRead(principal: Principal, request: ApprovalRequest): void {
  if (principal.role === 'agent' && request.agent !== principal.name) throw notFound('Request', request.id);
}

/**
 * Only agent keys file requests: a human's key (approver or admin) that could file could also
 * decide what it filed. Every entry point (API, compat routes, hooks, MCP) ends here.
 */
export function assertCanFile(principal: Principal): void {
  if (principal.role !== 'agent') {
    throw new GreenlightError(
      'AGENT_KEY_REQUIRED',
      `Only agent keys file requests; "${principal.name}" has an ${principal.role} key. Agents ask and humans decide, so a key that decides never files: give the agent its own key (greenlight keys create --role agent --name <agent>).`,
    );
  }
}

/** With `routing` null (a workflow request), who may decide is the workflow's to say (src/core/workflow.ts). */
export function assertCanDecide(principal: Principal, request: ApprovalRequest, routing: RoutingSettings | null): void {
  if (principal.role === 'agent') {
    throw new GreenlightError('AGENT_CANNOT_DECIDE', 'Agent keys cannot decide requests. A human approver (or an admin) decides with their own key or on a channel.');
  }
  // Identity is the name: requests record who filed them by name (older servers let admins file).
  if (request.agent === principal.name) {
    throw new GreenlightError('FILER_CANNOT_DECIDE', `Request ${request.id} was filed by "${request.agent}", and nobody decides a request they filed. Another approver (or admin) decides it; give agent keys names of their own.`);
  }
  if (principal.role === 'admin') return;
  const keyScoped = principal.projects.length > 0 && (!request.project || !principal.projects.includes(request.project));
  if (keyScoped || (routing !== null && !approverMayDecide(principal.name, request.project, routing))) {
    throw new GreenlightError('NOT_ROUTED_TO_YOU', `Request ${request.id} (project ${request.project ?? 'none'}) is not routed to approver "${principal.name}". Ask an approver of that project or an admin.`);
  }
}

/** Whether a configured approver decides for a project (empty lists mean "every"). */
export function approverMayDecide(approver: string, project: string | null, routing: RoutingSettings): boolean {
  const a = routing.approvers.find((x) => x.name === approver);
  // Approvers created at run time (keys) have no config entry: they decide for every project.
  if (a && a.projects.length > 0 && (!project || !a.projects.includes(project))) return false;
  if (project) {
    const p = routing.projects.find((x) => x.name === project);
    if (p && p.approvers.length > 0 && !p.approvers.includes(approver)) return false;
  }
  return true;
}

export function assertCanCancel(principal: Principal, request: ApprovalRequest): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'agent' && request.agent === principal.name) return;
  if (principal.role === 'agent') throw notFound('Request', request.id);
  throw new GreenlightError('FORBIDDEN', 'Only the agent that filed a request, or an admin, can cancel it. Approvers deny instead.');
}

export function assertRole(principal: Principal, roles: Principal['role'][], what: string): void {
  if (!roles.includes(principal.role)) {
    throw new GreenlightError('FORBIDDEN', `Your ${principal.role} key cannot ${what}; that needs ${roles.join(' or ')} access.`);
  }
}
