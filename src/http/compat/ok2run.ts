// ok2run compatibility: `POST /v1/approvals`, `GET /v1/approvals/{id}` and the email-reply
// ingestion endpoint, with ok2run's shapes and Greenlight's rules (only agents file, agents never
// decide; a target is a hint the server accepts only for a chat or address it sends to). See
// docs/compat.md.
import { Hono } from 'hono';
import { intQuery, principalOf, type AppEnv } from '../context.js';
import { requireAgentKey, requireAuth } from '../middleware.js';
import { CompatHttpError, compatErrorHandler, FieldReader, readBodyObject, type Translate } from './compat-errors.js';
import { effective, extractRequestId, menuReplyToDecision, ok2runCreateToNative, ok2runCreateView, ok2runStatus, ok2runStatusView, replyText } from './ok2run-mapping.js';

/** ok2run said "approval not found" / "approval not pending"; keep our codes, use its words. */
const translate: Translate = (err) => {
  if (err.code === 'NOT_FOUND') return new CompatHttpError(404, err.code, err.message, { detail: 'approval not found' });
  if (err.code === 'ALREADY_DECIDED') return new CompatHttpError(409, err.code, err.message, { detail: 'approval not pending', details: err.details });
  return null;
};

export function ok2runRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(compatErrorHandler(translate));

  app.post('/v1/approvals', requireAgentKey(), async (c) => {
    const input = ok2runCreateToNative(await readBodyObject(c));
    const { request } = await c.get('deps').gate.request(principalOf(c), input, { origin: 'ok2run' });
    return c.json(ok2runCreateView(request));
  });

  // `?wait=SECONDS` is a Greenlight extension: block until decided (or the time is up) instead
  // of polling every 2 s as ok2run's clients do.
  app.get('/v1/approvals/:id', requireAuth(), async (c) => {
    const deps = c.get('deps');
    const waitSec = intQuery(c, 'wait', 0, 0, deps.config.requests.max_wait_sec);
    const id = c.req.param('id');
    const request = waitSec > 0 ? await deps.gate.wait(principalOf(c), id, waitSec * 1000, c.req.raw.signal) : await deps.gate.get(principalOf(c), id);
    return c.json(ok2runStatusView(effective(request, deps.gate.deps.clock.now())));
  });

  // ok2run's human side: an email forwarder posts the reply `{subject, body}`. ok2run took any
  // client key here, so an agent could approve itself; Greenlight takes approver keys only.
  app.post('/v1/inbox/email-reply', requireAuth(['approver', 'admin']), async (c) => {
    const f = new FieldReader(await readBodyObject(c));
    const subject = f.str('subject', { max: 2000 });
    const body = f.str('body', { required: true, max: 100_000 });
    f.done();
    const id = extractRequestId(subject, body);
    if (!id) throw new CompatHttpError(422, 'VALIDATION_FAILED', 'No request id (req_...) in the subject or body of the reply.', { detail: 'approval_id not found' });
    const gate = c.get('deps').gate;
    const principal = principalOf(c);
    const request = await gate.get(principal, id);
    const decided = await gate.decide(principal, id, menuReplyToDecision(replyText(body!), request), 'ok2run');
    return c.json({ status: ok2runStatus(decided.status), approval_id: decided.id });
  });

  return app;
}
