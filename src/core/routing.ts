// Which project a request belongs to, and whether the target an agent asked for is one the
// server routes that project to. Routing is server configuration: an agent never picks it.
import { isAbsolute, relative, resolve } from 'node:path';
import { GreenlightError } from './errors.js';
import type { Principal } from './types.js';

export interface RoutedProject {
  name: string;
  directories: string[];
  approvers: string[];
  routes: { channel: string; target: string }[];
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

/** A target is accepted only if it names a configured route of the request's project. */
export function assertTargetRouted(project: string | null, channel: string | null | undefined, target: string | null | undefined, routing: RoutingSettings): void {
  if (!target) return;
  const p = project ? routing.projects.find((x) => x.name === project) : undefined;
  const ok = p?.routes.some((r) => r.target === target && (!channel || r.channel === channel));
  if (!ok) {
    throw new GreenlightError(
      'TARGET_NOT_ROUTED',
      `The target ${JSON.stringify(target.slice(0, 100))} is not a configured route of project ${project ?? '(none)'}. Agents cannot choose who approves them; leave target out, or ask an admin to add the route under projects[].routes.`,
    );
  }
}
