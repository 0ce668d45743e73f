// GET /v1/audit/export: the audit log as JSON Lines (admins only), for `greenlight audit verify
// --file` to check offline. Streams page by page, so a long log is never held in memory.
import { Hono } from 'hono';
import { GreenlightError } from '../core/errors.js';
import type { AppEnv, Ctx } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import { auditLines } from './export.js';

/** `since` / `until`: ISO-8601 or epoch milliseconds; absent: open. */
export function timeBound(raw: string | undefined, name: string): number | null {
  if (raw === undefined || raw === '') return null;
  if (raw.length > 40) throw new GreenlightError('VALIDATION_FAILED', `${name} must be an ISO-8601 time or epoch milliseconds (at most 40 characters).`);
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(t)) throw new GreenlightError('VALIDATION_FAILED', `${name} must be an ISO-8601 time (2026-01-31T00:00:00Z) or epoch milliseconds; got ${JSON.stringify(raw.slice(0, 40))}.`);
  return t;
}

export function auditExportRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v1/audit/export', requireAuth(['admin']), (c: Ctx) => {
    const since = timeBound(c.req.query('since'), 'since');
    const until = timeBound(c.req.query('until'), 'until');
    if (since !== null && until !== null && until <= since) throw new GreenlightError('VALIDATION_FAILED', 'until must be after since.');
    const store = c.get('deps').gate.deps.store;
    const logger = c.get('deps').logger;
    const encoder = new TextEncoder();
    const lines = auditLines(store, { since, until });
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          // Headers are gone: cut the stream, so the file fails `audit verify` instead of looking whole.
          logger.error('audit export failed', { err });
          controller.error(err);
        }
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    return c.body(body, 200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': 'attachment; filename="greenlight-audit.jsonl"' });
  });
  return app;
}
