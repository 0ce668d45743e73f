// OpenAPI paths and schemas of the insights routes (src/http/routes/insights.ts): figures and
// suggested rules for approvers and admins, and an admin's one-click add of a suggestion.
import { AddSuggestionSchema } from '../routes/insights.js';
import { inputJsonSchema } from './bodies.js';
import { isoTime, nullable, nullableStr, obj, ref, schemaRef, str, type Schema } from './components.js';
import { jsonResponse, operation, query, TOO_DEEP } from './operation.js';

type Json = Record<string, unknown>;

const count = (description: string): Schema => ({ type: 'integer', minimum: 0, description });
const ms = (description: string): Schema => ({ type: ['integer', 'null'], minimum: 0, description });

const COUNT_FIELDS: Record<string, Schema> = {
  asks: count('Requests filed.'),
  auto_allowed: count('Allowed by the policy or a grant, with no human.'),
  auto_denied: count('Denied by the policy, with no human.'),
  approved: count('Approved by a human (with conditions, or a question answered, count here too).'),
  denied: count('Denied by a human.'),
  expired: count('Nobody answered in time.'),
  cancelled: count('Cancelled by the agent or an admin.'),
  pending: count('Still waiting.'),
};

const keyed = (key: Schema, description: string): Schema => obj({ key, ...COUNT_FIELDS }, description);
const LATENCY: Record<string, Schema> = {
  count: count('Human decisions measured.'),
  median_ms: ms('Median time from filing to the decision; null without decisions.'),
  p90_ms: ms('90th percentile (nearest rank).'),
};

const InsightCounts = obj(COUNT_FIELDS, 'What became of the asks.');
const InsightLatency = obj({ key: str('The approver\'s name, or the channel (`telegram`, `web`, `email`, `api`, ...).'), ...LATENCY }, 'Time to a human decision.');

const RuleSuggestion = obj(
  {
    rule: str('The allow rule, exactly as it would be added (`Bash(npm run lint *)`, `Bash(npm run lint)`, `WebFetch(domain:docs.example.com)`, `Read(//srv/shared/**)`).'),
    project: nullableStr('The project whose policy it joins; null: requests without a project (the rule would apply everywhere).'),
    tool: str('The tool it allows.'),
    approvals: count('Human approvals of requests it covers, in the window.'),
    denials: { type: 'integer', const: 0, description: 'Always 0: a rule covering a denied request is never suggested.' },
    people: { type: 'array', items: { type: 'string' }, description: 'Who approved them.' },
    would_allow: count('Requests in the window that asked a human and this rule would have allowed (approved, expired, cancelled or still pending).'),
    examples: { type: 'array', items: { type: 'string' }, maxItems: 3, description: 'Up to three approved actions it covers, as they ran (agent text: escape it).' },
    last_at: isoTime('The latest approval it covers.'),
  },
  'A rule people approved again and again and never denied. Never a rule the dangerous-action guard refuses, broader than the evidence, or touching protected paths.',
);

const Insights = obj(
  {
    generated_at: isoTime('When the figures were made.'),
    days: { type: 'integer', minimum: 1, maximum: 90, description: 'The window, in days, ending now.' },
    projects: { type: ['array', 'null'], items: { type: 'string' }, description: 'The projects an approver limited to some sees; null: every project.' },
    from: isoTime('Start of the window.'),
    to: isoTime('End of the window.'),
    totals: ref('InsightCounts'),
    by_agent: { type: 'array', items: keyed(str('The agent.'), 'Per agent.'), description: 'Busiest first, at most 20.' },
    by_project: { type: 'array', items: keyed(nullableStr('The project; null: none.'), 'Per project.'), description: 'Busiest first, at most 20.' },
    by_tool: { type: 'array', items: keyed(str('The tool, or the action type of a plain action.'), 'Per tool.'), description: 'Busiest first, at most 20.' },
    by_rule: { type: 'array', items: keyed(str('The policy rule that answered or made it ask.'), 'Per rule.'), description: 'Busiest first, at most 20; requests no rule matched are not listed.' },
    time_to_decision: obj({ ...LATENCY, by_approver: { type: 'array', items: ref('InsightLatency') }, by_channel: { type: 'array', items: ref('InsightLatency') } }, 'Filing to a human decision.'),
    by_hour: { type: 'array', items: count('Asks in this hour.'), minItems: 24, maxItems: 24, description: 'Asks per hour of the day, UTC (index 0: 00:00–00:59).' },
    by_day: { type: 'array', items: obj({ day: str('The UTC day, YYYY-MM-DD.', { format: 'date' }), ...COUNT_FIELDS }, 'One day.'), description: 'Every day of the window, oldest first.' },
    longest_waits: {
      type: 'array',
      maxItems: 10,
      description: 'The requests that waited longest for a human (still pending ones count until now).',
      items: obj(
        {
          id: str('Request id.'),
          title: str('Its title (agent text: escape it).'),
          agent: str('The agent.'),
          project: nullableStr('The project.'),
          tool: str('The tool or action type.'),
          status: str('Its status now.'),
          created_at: isoTime('When it was filed.'),
          waited_ms: count('How long it waited.'),
        },
        'A long wait.',
      ),
    },
    suggestions: obj(
      {
        days: { type: 'integer', description: 'How far back suggestions look (insights.suggest_days).' },
        min_approvals: { type: 'integer', description: 'Approvals needed (insights.suggest_min_approvals).' },
        items: { type: 'array', items: ref('RuleSuggestion'), description: 'Most prompts saved first; empty with `suggestions=false`.' },
      },
      'Suggested rules.',
    ),
  },
  'Figures over the window and suggested rules, limited to what the caller may see.',
);

const AddSuggestion = inputJsonSchema(AddSuggestionSchema, {
  rule: { description: 'The suggested rule, exactly as GET /v1/insights listed it.' },
  project: { description: 'Its project, exactly as listed (null for requests without a project).' },
});

export const INSIGHT_SCHEMAS: Record<string, Schema> = { Insights, InsightCounts, InsightLatency, RuleSuggestion, AddSuggestion };

export function insightPaths(): Record<string, Json> {
  return {
    '/v1/insights': {
      get: operation({
        operationId: 'getInsights',
        tag: 'insights',
        summary: 'Figures and suggested rules',
        description:
          'Per agent, project, tool and rule: asks, auto-allowed, auto-denied, approved, denied, expired; time to a human decision (median, p90) by approver and channel; asks by hour and by day; the longest waits; and suggested rules (approved again and again, never denied). An approver sees only the projects routed to them (by the config and their key); an admin sees everything. Agents are refused. The dashboard\'s Insights page shows the same; `greenlight policy suggest` prints the suggestions.',
        roles: ['approver', 'admin'],
        parameters: [
          query('days', 'The window, in days, ending now.', { type: 'integer', minimum: 1, maximum: 90, default: 7 }),
          query('suggestions', '`false`: skip the suggestions (cheaper).', { type: 'string', enum: ['true', 'false'], default: 'true' }),
        ],
        responses: { '200': jsonResponse('The figures.', schemaRef('Insights')) },
        errors: { 400: 'VALIDATION_FAILED: days or suggestions out of bounds.' },
      }),
    },
    '/v1/insights/suggestions': {
      post: operation({
        operationId: 'addSuggestion',
        tag: 'insights',
        summary: 'Add a suggested rule to the policy',
        description:
          'Adds a rule GET /v1/insights suggests right now as an `always` allow grant for its project and every agent (the policy overlay in the store: every instance applies it at once; revoke it like any grant). Recorded as `grant.created` via `insights`. Anything that is not a current suggestion is refused: other rules go through POST /v1/grants.',
        roles: ['admin'],
        body: { schema: schemaRef('AddSuggestion'), example: { rule: 'Bash(npm run lint *)', project: 'webapp' } },
        responses: { '201': jsonResponse('The grant.', schemaRef('Grant')) },
        errors: { 400: 'VALIDATION_FAILED, INVALID_JSON or ' + TOO_DEEP + '.', 409: 'NOT_A_SUGGESTION: not a current suggestion.', 415: '' },
      }),
    },
  };
}
