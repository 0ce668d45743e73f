// GET /v1/channels: each configured channel's health for approvers and admins (the dashboard's
// channel page reads it): last successful send, last error, outbox backlog, inbound traffic.
import { Hono } from 'hono';
import type { ChannelStatus } from '../../channels/health.js';
import type { AppEnv } from '../context.js';
import { requireAuth } from '../middleware.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function channelStatusToWire(s: ChannelStatus) {
  return {
    name: s.name,
    state: s.state,
    last_success_at: iso(s.last_success_at),
    last_error: s.last_error ? { at: iso(s.last_error.at), message: s.last_error.message } : null,
    backlog: { pending: s.backlog.pending, dead: s.backlog.dead, oldest_pending_at: iso(s.backlog.oldest_pending_at), capped: s.backlog.capped },
    inbound: s.inbound ? { state: s.inbound.state, at: iso(s.inbound.at), detail: s.inbound.detail } : null,
    detail: s.detail,
  };
}

export function channelRoutes(report: () => Promise<ChannelStatus[]>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v1/channels', requireAuth(['approver', 'admin']), async (c) => c.json({ items: (await report()).map(channelStatusToWire) }));
  return app;
}
