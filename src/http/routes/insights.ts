// Insights over HTTP: GET /v1/insights (figures and suggested rules, limited to what the caller
// may see — src/insights/service.ts says who sees what) and POST /v1/insights/suggestions (an
// admin adds a current suggestion to the policy overlay). Times go out as ISO-8601, like requests.
import { Hono } from 'hono';
import { z } from 'zod';
import { GreenlightError } from '../../core/errors.js';
import { describeIssues } from '../../core/request-input.js';
import { createInsights, type InsightsReport } from '../../insights/service.js';
import { intQuery, principalOf, readJsonObject, type AppEnv, type Ctx } from '../context.js';
import { requireAuth } from '../middleware.js';
import { grantToWire } from '../wire.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const AddSuggestionSchema = z
  .object({
    rule: z.string().min(1).max(2000),
    project: z.string().min(1).max(200).nullable(),
  })
  .strict();

function insightsOf(c: Ctx) {
  const { gate, config, policy } = c.get('deps');
  if (!policy) throw new GreenlightError('NOT_READY', 'The policy is not loaded on this server.');
  return createInsights({ store: gate.deps.store, config, policy, clock: gate.deps.clock });
}

export function insightsToWire(r: InsightsReport) {
  const f = r.figures;
  return {
    generated_at: iso(r.generated_at),
    days: r.days,
    projects: r.projects,
    from: iso(f.from),
    to: iso(f.to),
    totals: f.totals,
    by_agent: f.by_agent,
    by_project: f.by_project,
    by_tool: f.by_tool,
    by_rule: f.by_rule,
    time_to_decision: f.time_to_decision,
    by_hour: f.by_hour,
    by_day: f.by_day.map((d) => ({ ...d, day: iso(d.day).slice(0, 10) })),
    longest_waits: f.longest_waits.map((w) => ({ ...w, created_at: iso(w.created_at) })),
    suggestions: { ...r.suggestions, items: r.suggestions.items.map((s) => ({ ...s, last_at: iso(s.last_at) })) },
  };
}

export function insightsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Agents are refused here (403); the service narrows an approver to the projects routed to them.
  app.get('/v1/insights', requireAuth(['approver', 'admin']), async (c) => {
    const days = intQuery(c, 'days', 7, 1, 90);
    const raw = c.req.query('suggestions');
    if (raw !== undefined && raw !== 'true' && raw !== 'false') throw new GreenlightError('VALIDATION_FAILED', 'Query parameter suggestions must be true or false.');
    return c.json(insightsToWire(await insightsOf(c).report(principalOf(c), { days, suggestions: raw !== 'false' })));
  });

  app.post('/v1/insights/suggestions', requireAuth(['admin']), async (c) => {
    const parsed = AddSuggestionSchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw new GreenlightError('VALIDATION_FAILED', `The suggestion is not valid: ${describeIssues(parsed.error)}`);
    const grant = await insightsOf(c).addSuggestion(principalOf(c), parsed.data.rule, parsed.data.project, 'insights');
    return c.json(grantToWire(grant), 201);
  });

  return app;
}
