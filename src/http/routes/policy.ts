// Policy over HTTP: dry runs, grants and stored rules, session ends, ok2run's allow-rules.
// Agents can never read or change policy; the one thing an agent may do is end its own session.
import { Hono } from 'hono';
import { z } from 'zod';
import { GreenlightError } from '../../core/errors.js';
import { describeIssues, HOSTNAME_PATTERN } from '../../core/request-input.js';
import type { PolicyAction } from '../../policy/index.js';
import { approverMayDecide } from '../../core/authz.js';
import { buildManualGrant, createManualGrant, revokeManualGrant } from '../../grants-admin.js';
import type { Grant } from '../../store/store.js';
import { intQuery, principalOf, readJsonObject, type AppEnv, type Ctx } from '../context.js';
import { requireAuth } from '../middleware.js';
import { grantToWire } from '../wire.js';

const name = z.string().min(1).max(200);

export const EvaluateSchema = z
  .object({
    /** `Bash(git status && rm -rf /)`, `Read(./src/a.ts)`, `WebFetch(https://x)`, or a bare tool name. */
    action: z.string().min(1).max(20_000).optional(),
    tool: z.string().min(1).max(200).optional(),
    input: z.unknown().optional(),
    cwd: z.string().min(1).max(4096).nullable().optional(),
    agent: name.nullable().optional(),
    project: name.nullable().optional(),
    session_id: name.nullable().optional(),
    /** The machine the request would come from: grants limited to that host apply (none do without it). */
    host: z.string().regex(HOSTNAME_PATTERN, "must be a hostname: 1–253 letters, digits, '-', '.' or '_'").nullable().optional(),
  })
  .strict()
  .refine((b) => Boolean(b.action) !== Boolean(b.tool), { message: 'give either action ("Bash(git status)") or tool with input' });

/** `Bash(cmd)` → { tool: Bash, input: { command } }, and the like for path and URL tools. */
export function actionFromText(text: string, cwd: string | null): PolicyAction {
  const m = /^([A-Za-z0-9_.:-]+)(?:\(([\s\S]*)\))?$/.exec(text.trim());
  if (!m) throw new GreenlightError('VALIDATION_FAILED', 'action must look like Tool or Tool(argument), e.g. Bash(git status).');
  const [, tool, arg] = m;
  if (arg === undefined) return { tool, input: {}, cwd };
  if (tool === 'Bash') return { tool, input: { command: arg }, cwd };
  if (['Read', 'Edit', 'Write', 'MultiEdit', 'NotebookEdit'].includes(tool)) return { tool, input: { file_path: arg }, cwd };
  if (['Glob', 'Grep', 'LS'].includes(tool)) return { tool, input: { path: arg, pattern: '*' }, cwd };
  if (tool === 'WebFetch') return { tool, input: { url: arg }, cwd };
  return { tool, input: { value: arg }, cwd };
}

function policyOf(c: Ctx) {
  const policy = c.get('deps').policy;
  if (!policy) throw new GreenlightError('NOT_READY', 'The policy is not loaded on this server.');
  return policy;
}

async function revoke(c: Ctx, id: string): Promise<Grant> {
  const p = principalOf(c);
  const { store, clock } = c.get('deps').gate.deps;
  const existing = await store.getGrant(id);
  if (existing) assertMayManage(c, existing);
  return (await revokeManualGrant(store, id, { kind: p.role, name: p.name }, 'api', clock.now())).grant;
}

/** Admins manage every grant; an approver only grants for one agent in a project routed to them. */
function assertMayManage(c: Ctx, grant: Pick<Grant, 'agent' | 'project'>): void {
  const p = principalOf(c);
  if (p.role === 'admin') return;
  const { config } = c.get('deps');
  const routed = grant.project !== null && approverMayDecide(p.name, grant.project, { projects: config.projects, approvers: config.approvers }) && (p.projects.length === 0 || p.projects.includes(grant.project));
  if (!grant.agent || !routed) {
    throw new GreenlightError('FORBIDDEN', 'Approvers manage grants for one agent in a project routed to them; grants for every agent or every project need an admin key.');
  }
}

export function policyRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const humans = requireAuth(['approver', 'admin']);

  app.post('/v1/policy/evaluate', humans, async (c) => {
    const parsed = EvaluateSchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw new GreenlightError('VALIDATION_FAILED', `The dry run is not valid: ${describeIssues(parsed.error)}`);
    const b = parsed.data;
    const cwd = b.cwd ?? null;
    const action = b.action ? actionFromText(b.action, cwd) : { tool: b.tool!, input: b.input ?? {}, cwd };
    const ev = await policyOf(c).dryRun(action, { agent: b.agent ?? null, project: b.project ?? null, session_id: b.session_id ?? null, host: b.host ?? null });
    return c.json({ action, ...ev });
  });

  app.get('/v1/grants', humans, async (c) => {
    const q = (k: string) => c.req.query(k) || undefined;
    const grants = await c.get('deps').gate.deps.store.listGrants({ agent: q('agent'), project: q('project'), session_id: q('session_id'), include_revoked: c.req.query('include_revoked') === 'true', now: c.get('deps').gate.deps.clock.now() });
    const limit = intQuery(c, 'limit', 500, 1, 5000);
    return c.json({ items: grants.slice(0, limit).map(grantToWire) });
  });

  app.post('/v1/grants', humans, async (c) => {
    const { config, gate } = c.get('deps');
    const policy = policyOf(c);
    const p = principalOf(c);
    const now = gate.deps.clock.now();
    const body = await readJsonObject(c);
    assertMayManage(c, buildManualGrant(body, config, p.name, now));
    const grant = await createManualGrant(gate.deps.store, config, body, { kind: p.role, name: p.name }, 'api', now);
    if (grant.effect === 'allow' && grant.agent) await policy.resolveCovered(gate, [grant], null);
    return c.json(grantToWire(grant), 201);
  });

  app.delete('/v1/grants/:id', humans, async (c) => c.json(grantToWire(await revoke(c, c.req.param('id')))));

  // An agent ends its own session (Claude Code's SessionEnd, /clear); admins end anyone's.
  app.post('/v1/sessions/:id/end', requireAuth(['agent', 'admin']), async (c) => {
    const p = principalOf(c);
    const sessionId = c.req.param('id');
    if (sessionId.length > 200) throw new GreenlightError('VALIDATION_FAILED', 'A session id is at most 200 characters.');
    const agent = p.role === 'agent' ? p.name : c.req.query('agent');
    if (!agent) throw new GreenlightError('VALIDATION_FAILED', 'Name the agent whose session ends: ?agent=NAME.');
    const { store, clock } = c.get('deps').gate.deps;
    const now = clock.now();
    const revoked = await store.revokeSessionGrants(agent, sessionId, now, {
      audit: [{ at: now, actor_kind: p.role, actor_name: p.name, action: 'session.ended', request_id: null, via: 'api', detail: { agent, session_id: sessionId } }],
      outbox: [],
    });
    return c.json({ agent, session_id: sessionId, grants_revoked: revoked });
  });

  // ok2run: its "Session" and "Always" codes create grants; these list and revoke them.
  app.get('/v1/allow-rules', humans, async (c) => {
    const { store, clock } = c.get('deps').gate.deps;
    const grants = await store.listGrants({ now: clock.now() });
    return c.json({ rules: grants.map((g) => ({ rule_id: g.id, rule: g.rule, scope: g.scope, agent: g.agent, project: g.project, session_id: g.session_id, action_type: g.rule.split(/[(:]/)[0] === 'exact' ? g.rule.split(':')[1] : g.rule.split('(')[0], created_at: Math.floor(g.created_at / 1000) })) });
  });

  app.delete('/v1/allow-rules/:id', humans, async (c) => {
    const g = await revoke(c, c.req.param('id'));
    return c.json({ rule_id: g.id, status: 'revoked', client_id: g.agent, action_type: g.rule.startsWith('exact:') ? g.rule.split(':')[1] : g.rule.split('(')[0] });
  });

  return app;
}
