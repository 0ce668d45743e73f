// Which project a request belongs to, and whether the target an agent named is one the server
// itself sends the request to. Routing is server configuration: an agent never picks it.
import { isAbsolute, relative, resolve } from 'node:path';
import { GreenlightError } from './errors.js';
import type { Principal } from './types.js';

export interface RoutedProject {
  name: string;
  directories: string[];
  approvers: string[];
  routes: { channel: string; target: string }[];
}

/** A chat, address, ... on a channel. */
export interface RouteTarget {
  channel: string;
  target: string;
}

export interface RoutingSettings {
  projects: RoutedProject[];
  approvers: { name: string; projects: string[] }[];
}

/** True if `child` is `dir` or lies below it (lexically; the policy resolves symlinks itself). */
export function isWithin(dir: string, child: string): boolean {
  const rel = relative(resolve(dir), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The project of a request: the one named (which the agent must be allowed), else the declared
 * project whose directory holds the cwd most closely, else the agent's only project.
 */
export function resolveProject(principal: Principal, named: string | null | undefined, cwd: string | null | undefined, routing: RoutingSettings): string | null {
  const allowed = (p: string) => principal.role !== 'agent' || principal.projects.length === 0 || principal.projects.includes(p);
  if (named) {
    if (!routing.projects.some((p) => p.name === named)) {
      throw new GreenlightError('PROJECT_NOT_ALLOWED', `Project "${named}" is not declared on this server. Declared projects: ${routing.projects.map((p) => p.name).join(', ') || 'none'}.`);
    }
    if (!allowed(named)) throw new GreenlightError('PROJECT_NOT_ALLOWED', `Agent "${principal.name}" may not file requests for project "${named}".`);
    return named;
  }
  if (cwd && isAbsolute(cwd)) {
    let best: { name: string; depth: number } | null = null;
    for (const p of routing.projects) {
      for (const d of p.directories) {
        if (isWithin(d, cwd) && allowed(p.name)) {
          const depth = resolve(d).length;
          if (!best || depth > best.depth) best = { name: p.name, depth };
        }
      }
    }
    if (best) return best.name;
  }
  if (principal.role === 'agent' && principal.projects.length === 1) return principal.projects[0];
  return null;
}

/** Chat ids and addresses compare without case or surrounding space (@Channel = @channel). */
const sameTarget = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * A target is a hint, never a choice: it is accepted when it names a chat or address the server
 * itself sends the request to — a configured route of its project, or one of `destinations`
 * (where each channel's own routing sends it: default chats, routed approvers' chats and
 * addresses) — on the hinted channel when one is named. The request then goes where the server's
 * routing sends it. Any other target is refused.
 */
export function assertTargetRouted(project: string | null, channel: string | null | undefined, target: string | null | undefined, routing: RoutingSettings, destinations: readonly RouteTarget[] = []): void {
  if (!target) return;
  const p = project ? routing.projects.find((x) => x.name === project) : undefined;
  const known = [...(p?.routes ?? []), ...destinations];
  const ok = known.some((r) => sameTarget(r.target, target) && (!channel || r.channel === channel));
  if (!ok) {
    throw new GreenlightError(
      'TARGET_NOT_ROUTED',
      `The target ${JSON.stringify(target.slice(0, 100))} is not a chat or address this server sends this request to (project ${project ?? '(none)'}${channel ? `, channel ${channel.slice(0, 40)}` : ''}). Agents cannot choose who approves them; leave target out, name one the server is configured to use, or ask an admin to add the route under projects[].routes.`,
    );
  }
}
