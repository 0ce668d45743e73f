// Grants an operator gives or takes back by hand — over HTTP (POST /v1/grants, DELETE
// /v1/grants/:id) and from the CLI (`greenlight grants add|revoke`). One place validates the rule,
// builds the Grant and writes it with its audit row, so both entry points give the same grant.
// (Grants given with a decision are built in src/core/grants.ts.)
import { z } from 'zod';
import type { Config } from './config/schema.js';
import { GreenlightError, notFound } from './core/errors.js';
import { newId } from './core/ids.js';
import { describeIssues } from './core/request-input.js';
import type { Actor } from './core/types.js';
import { parseRule } from './policy/index.js';
import type { Grant, Store } from './store/store.js';

const name = z.string().min(1).max(200);

/** The body of POST /v1/grants, and what `greenlight grants add` builds from its flags. */
export const CreateGrantSchema = z
  .object({
    rule: z.string().min(1).max(2000),
    effect: z.enum(['allow', 'ask', 'deny']).default('allow'),
    agent: name.nullable().optional(),
    project: name.nullable().optional(),
    session_id: name.nullable().optional(),
    expires_in_sec: z.number().int().min(1).max(10 * 365 * 86400).nullable().optional(),
    max_uses: z.number().int().min(1).max(1_000_000).nullable().optional(),
  })
  .strict();

export type CreateGrantInput = z.input<typeof CreateGrantSchema>;

/**
 * Validates `input` (the schema, the rule syntax, the project) and builds the grant; no I/O.
 * Throws VALIDATION_FAILED with the rule parser's own message for a malformed rule.
 */
export function buildManualGrant(input: unknown, config: Pick<Config, 'projects'>, createdBy: string, now: number): Grant {
  const parsed = CreateGrantSchema.safeParse(input);
  if (!parsed.success) throw new GreenlightError('VALIDATION_FAILED', `The grant is not valid: ${describeIssues(parsed.error)}`);
  const b = parsed.data;
  try {
    parseRule(b.rule);
  } catch (err) {
    throw new GreenlightError('VALIDATION_FAILED', (err as Error).message, { cause: err });
  }
  if (b.project && !config.projects.some((p) => p.name === b.project)) {
    throw new GreenlightError('VALIDATION_FAILED', `Project "${b.project}" is not declared under projects[] (declared: ${config.projects.map((p) => p.name).join(', ') || 'none'}).`);
  }
  return {
    id: newId('grt', now),
    rule: b.rule.trim(),
    effect: b.effect,
    scope: b.session_id ? 'session' : 'always',
    agent: b.agent ?? null,
    project: b.project ?? null,
    session_id: b.session_id ?? null,
    created_by: createdBy,
    created_at: now,
    expires_at: b.expires_in_sec ? now + b.expires_in_sec * 1000 : null,
    max_uses: b.max_uses ?? null,
    uses: 0,
    revoked_at: null,
    source_request_id: null,
    path_prefix: null,
    host: null,
  };
}

/** Builds the grant and stores it with its `grant.created` audit row (one transaction). */
export async function createManualGrant(store: Store, config: Pick<Config, 'projects'>, input: unknown, actor: Actor, via: string, now: number): Promise<Grant> {
  const grant = buildManualGrant(input, config, actor.name, now);
  await store.insertGrant(grant, {
    audit: [
      {
        at: now,
        actor_kind: actor.kind,
        actor_name: actor.name,
        action: 'grant.created',
        request_id: null,
        via,
        detail: { grant_id: grant.id, rule: grant.rule, effect: grant.effect, agent: grant.agent, project: grant.project, session_id: grant.session_id },
      },
    ],
    outbox: [],
  });
  return grant;
}

/**
 * Revokes a grant with its `grant.revoked` audit row. `already` is true when it was revoked
 * before (nothing changes then, and no audit row is written). Throws NOT_FOUND for an unknown id.
 */
export async function revokeManualGrant(store: Store, id: string, actor: Actor, via: string, now: number): Promise<{ grant: Grant; already: boolean }> {
  const before = await store.getGrant(id);
  if (!before) throw notFound('Grant', id);
  if (before.revoked_at !== null) return { grant: before, already: true };
  const grant = await store.revokeGrant(id, now, {
    audit: [{ at: now, actor_kind: actor.kind, actor_name: actor.name, action: 'grant.revoked', request_id: null, via, detail: { grant_id: id } }],
    outbox: [],
  });
  if (!grant) throw notFound('Grant', id);
  return { grant, already: false };
}

/** Whether a grant still applies, or why not. */
export function grantState(g: Grant, now: number): 'active' | 'revoked' | 'expired' | 'used up' {
  if (g.revoked_at !== null) return 'revoked';
  if (g.expires_at !== null && g.expires_at <= now) return 'expired';
  if (g.max_uses !== null && g.uses >= g.max_uses) return 'used up';
  return 'active';
}
