// Step-up test helpers: a real server with step-up configured and a movable clock, the approver's
// authenticator app (otplib with the secret the enrolment showed), and enrolment through the API.
import assert from 'node:assert/strict';
import { generateSync } from 'otplib';
import type { Clock } from '../../src/core/ids.js';
import { MovableClock } from '../helpers/clock.js';
import { startTestServer, type Role, type TestServer } from '../helpers/harness.js';

/** What an authenticator app shows at `at` (ms) for a secret. */
export const codeAt = (secret: string, at: number): string => generateSync({ secret, epoch: Math.floor(at / 1000) });

/** The app: the code now, or that of `steps` periods later (a fresh, unused code). */
export function app(secret: string, clock: Clock) {
  return { now: (steps = 0) => codeAt(secret, clock.now() + steps * 30_000) };
}

export async function startStepUpServer(overrides: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Promise<{ server: TestServer; clock: MovableClock }> {
  const clock = new MovableClock();
  const server = await startTestServer({ step_up: { priorities: ['critical'] }, ...overrides }, { clock, ...options });
  return { server, clock };
}

/** Enrols a role's approver through the API; returns the secret as the dashboard showed it. */
export async function enrol(server: TestServer, clock: Clock, role: Role): Promise<string> {
  const started = await server.call(role, 'POST', '/v1/step-up/totp');
  assert.equal(started.status, 201, started.text);
  const done = await server.call(role, 'POST', '/v1/step-up/totp/confirm', { code: codeAt(started.body.secret, clock.now()) });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.totp.state, 'enrolled');
  return started.body.secret;
}

/** Files a request needing step-up (priority critical) as the agent. */
export async function fileCritical(server: TestServer, title = 'Deploy to production'): Promise<string> {
  const r = await server.call('agent', 'POST', '/v1/requests', { title, action_type: 'deploy', preview: 'kubectl apply -f prod.yaml', priority: 'critical' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.policy?.step_up, true, 'filed as needing step-up');
  return r.body.id;
}
