// The step-up API the dashboard's Security page uses (approver and admin keys or the dashboard cookie):
//   GET  /v1/step-up                    what second factors you have
//   POST /v1/step-up/totp               starts setting up an authenticator app: the secret, once, as text and QR code
//   POST /v1/step-up/totp/confirm       {code}: the first code from the app finishes the set-up
//   POST /v1/step-up/totp/remove        {code}: removes your own (a current code proves it is you)
//   DELETE /v1/step-up/totp/:approver   an admin removes someone's (a lost phone)
//   POST /v1/step-up/passkeys/options   registration options (a challenge for this approver)
//   POST /v1/step-up/passkeys           {response}: the browser's answer registers a passkey
//   DELETE /v1/step-up/passkeys/:id     removes one of your passkeys
//   POST /v1/step-up/passkeys/challenge {request_id}: the challenge to approve that request with a passkey
import { Hono } from 'hono';
import { GreenlightError } from '../core/errors.js';
import { principalOf, readJsonObject, type AppEnv } from '../http/context.js';
import { requireAuth } from '../http/middleware.js';
import type { StepUp } from './service.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function stepUpRoutes(stepUp: StepUp): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const humans = requireAuth(['approver', 'admin']);

  const status = async (approver: string) => {
    const t = await stepUp.totp.state(approver);
    const passkeys = (await stepUp.passkeys.list(approver)).map((p) => ({ id: p.id, created_at: iso(p.created_at), last_used_at: iso(p.last_used_at) }));
    return { approver, totp: { state: t.state, enrolled_at: iso(t.enrolled_at) }, passkeys };
  };

  app.get('/v1/step-up', humans, async (c) => c.json(await status(principalOf(c).name)));

  app.post('/v1/step-up/totp', humans, async (c) => {
    const me = principalOf(c).name;
    c.header('Cache-Control', 'no-store');
    return c.json({ ...(await stepUp.totp.start(me)), ...(await status(me)) }, 201);
  });

  app.post('/v1/step-up/totp/confirm', humans, async (c) => {
    const me = principalOf(c).name;
    await stepUp.totp.confirm(me, (await readJsonObject(c)).code);
    return c.json(await status(me));
  });

  app.post('/v1/step-up/totp/remove', humans, async (c) => {
    const me = principalOf(c).name;
    const { state } = await stepUp.totp.state(me);
    if (state === 'enrolled') await stepUp.totp.check(me, (await readJsonObject(c)).code, 'dashboard', null);
    await stepUp.totp.remove(me, me);
    return c.json(await status(me));
  });

  app.post('/v1/step-up/passkeys/options', humans, async (c) => c.json(await stepUp.passkeys.registrationOptions(principalOf(c).name)));

  app.post('/v1/step-up/passkeys', humans, async (c) => {
    const me = principalOf(c).name;
    await stepUp.passkeys.register(me, (await readJsonObject(c)).response);
    return c.json(await status(me), 201);
  });

  app.delete('/v1/step-up/passkeys/:id', humans, async (c) => {
    const me = principalOf(c).name;
    if (!(await stepUp.passkeys.remove(me, c.req.param('id')))) throw new GreenlightError('NOT_FOUND', 'You have no such passkey.');
    return c.json(await status(me));
  });

  app.post('/v1/step-up/passkeys/challenge', humans, async (c) => {
    const me = principalOf(c);
    const requestId = (await readJsonObject(c)).request_id;
    if (typeof requestId !== 'string' || !/^req_[0-9a-z]{26}$/.test(requestId)) throw new GreenlightError('VALIDATION_FAILED', 'request_id is the id of the request you approve (req_…).');
    await c.get('deps').gate.get(me, requestId); // exists and is visible
    return c.json(await stepUp.passkeys.approvalOptions(me.name, requestId));
  });

  app.delete('/v1/step-up/totp/:approver', requireAuth(['admin']), async (c) => {
    const approver = c.req.param('approver');
    if (!(await stepUp.totp.remove(approver, principalOf(c).name))) throw new GreenlightError('NOT_FOUND', `${approver} has no authenticator app set up.`);
    return c.json(await status(approver));
  });

  return app;
}
