// The checks on `groups` and `workflows` that look across the config: every name must exist, a
// quorum must be reachable by the people named, rotations must name real time zones and dates.
// Each problem is one sentence saying what to change; the loader lists them all before any
// listener opens (src/config/load.ts).
import type { GroupConfig, WorkflowConfig } from './config-schema.js';
import { everyone } from './planner.js';
import { isTimeZone, fromLocal, parseLocalDateTime } from './zoned-time.js';

export interface WorkflowCheckInput {
  groups: GroupConfig[];
  workflows: WorkflowConfig[];
  approvers: { name: string }[];
  agents: { name: string; owner?: string }[];
  projects: { name: string }[];
  channels: Record<string, unknown>;
}

const validDate = (text: string) => {
  const [y, m, d] = text.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

const q = (s: string) => JSON.stringify(s);

export function workflowProblems(c: WorkflowCheckInput): string[] {
  const problems: string[] = [];
  const approvers = new Set(c.approvers.map((a) => a.name));
  const groups = new Map<string, GroupConfig>();
  const channels = new Set([...Object.keys(c.channels), 'web']);
  for (const g of c.groups) {
    if (groups.has(g.name)) problems.push(`group ${q(g.name)} is declared twice; group names must be unique.`);
    groups.set(g.name, g);
    for (const m of g.members) if (!approvers.has(m)) problems.push(`group ${q(g.name)} lists member ${q(m)}, who is not declared under approvers[].`);
    const rota = g.on_call;
    if (!rota) continue;
    const where = `group ${q(g.name)} on_call`;
    if (!isTimeZone(rota.time_zone)) problems.push(`${where}.time_zone: ${q(rota.time_zone)} is not a time zone Node knows; use an IANA name such as Europe/Berlin, America/New_York or UTC.`);
    if (!validDate(rota.start)) problems.push(`${where}.start: ${q(rota.start)} is not a calendar date.`);
    for (const m of rota.order) if (!g.members.includes(m)) problems.push(`${where}.order names ${q(m)}, who is not a member of the group; add them to members or remove them from the order.`);
    rota.overrides.forEach((o, i) => {
      if (!approvers.has(o.approver)) problems.push(`${where}.overrides[${i}].approver ${q(o.approver)} is not declared under approvers[].`);
      if (isTimeZone(rota.time_zone) && fromLocal(parseLocalDateTime(o.until), rota.time_zone) <= fromLocal(parseLocalDateTime(o.from), rota.time_zone)) {
        problems.push(`${where}.overrides[${i}]: until (${o.until}) must come after from (${o.from}).`);
      }
    });
  }
  const checkWho = (where: string, who: readonly string[]) => {
    for (const w of who) {
      const colon = w.indexOf(':');
      if (colon < 0) {
        if (!approvers.has(w)) problems.push(`${where} names ${q(w)}, who is not declared under approvers[] (use group:<name> or oncall:<name> for a group).`);
        continue;
      }
      const g = groups.get(w.slice(colon + 1));
      if (!g) problems.push(`${where} names ${q(w)}, but no group ${q(w.slice(colon + 1))} is declared under groups[].`);
      else if (w.startsWith('oncall:') && !g.on_call) problems.push(`${where} names ${q(w)}, but group ${q(g.name)} has no on_call rotation; add one, or use group:${g.name}.`);
    }
  };
  const names = new Set<string>();
  const projects = new Set(c.projects.map((p) => p.name));
  for (const w of c.workflows) {
    const where = `workflow ${q(w.name)}`;
    if (names.has(w.name)) problems.push(`${where} is declared twice; workflow names must be unique.`);
    names.add(w.name);
    for (const p of w.match.projects) if (!projects.has(p)) problems.push(`${where} match.projects names ${q(p)}, which is not declared under projects[].`);
    checkWho(`${where} approvers`, w.approvers);
    w.ladder.forEach((s, i) => {
      checkWho(`${where} ladder[${i}].who`, s.who);
      if (!s.wait && i < w.ladder.length - 1) problems.push(`${where} ladder[${i}] has no wait; only the last step may leave it out (it then lasts until the request expires).`);
      for (const ch of s.channels ?? []) if (!channels.has(ch)) problems.push(`${where} ladder[${i}].channels names ${q(ch)}, which is not configured under channels (configured: ${[...channels].join(', ')}).`);
      for (const t of s.targets) {
        const ch = t.slice(0, t.indexOf(':'));
        if (!channels.has(ch)) problems.push(`${where} ladder[${i}].targets: ${q(t)} is on channel ${q(ch)}, which is not configured under channels.`);
        else if (ch === 'email' || ch === 'web') problems.push(`${where} ladder[${i}].targets: ${q(t)}: ${ch} reaches approvers, not chats; name them under who with channels: [${ch}].`);
      }
    });
    const eligible = everyone(w.approvers.length ? w.approvers : w.ladder.flatMap((s) => s.who), c.groups);
    if (w.quorum.approvals > eligible.length) {
      problems.push(`${where} needs ${w.quorum.approvals} approvals but names only ${eligible.length} approver${eligible.length === 1 ? '' : 's'} (${eligible.join(', ') || 'none'}); name more people or lower quorum.approvals.`);
    }
  }
  for (const a of c.agents) if (a.owner && !approvers.has(a.owner)) problems.push(`agent ${q(a.name)} has owner ${q(a.owner)}, who is not declared under approvers[].`);
  return problems;
}
