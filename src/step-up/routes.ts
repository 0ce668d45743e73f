// The step-up API the dashboard's Security page uses (approver and admin keys or the dashboard cookie):
//   GET  /v1/step-up                    what second factors you have
//   POST /v1/step-up/totp               starts setting up an authenticator app: the secret, once, as text and QR code
//   POST /v1/step-up/totp/confirm       {code}: the first code from the app finishes the set-up
//   POST /v1/step-up/totp/remove        {code}: removes your own (a current code proves it is you)
//   DELETE /v1/step-up/totp/:approver   an admin removes someone's (a lost phone)
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
    return { approver, totp: { state: t.state, enrolled_at: iso(t.enrolled_at) } };
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

  app.delete('/v1/step-up/totp/:approver', requireAuth(['admin']), async (c) => {
    const approver = c.req.param('approver');
    if (!(await stepUp.totp.remove(approver, principalOf(c).name))) throw new GreenlightError('NOT_FOUND', `${approver} has no authenticator app set up.`);
    return c.json(await status(approver));
  });

  return app;
}
