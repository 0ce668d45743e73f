// One approval, end to end over HTTP, for a server the deploy tests started some other way (an
// installed package, the image's file tree, behind the reverse proxy): the admin makes an agent
// key and an approver key, the agent files a request and waits on it, the approver approves, and
// the waiting agent gets the approval. `call` carries it (plain fetch, or HTTPS through a proxy).
import assert from 'node:assert/strict';

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, string>;
}

export type Call = (method: string, path: string, key: string | null, body?: unknown) => Promise<Reply>;

/** `call` over fetch against a base URL. */
export function fetchCall(base: string): Call {
  return async (method, path, key, body) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers) };
  };
}

export interface RoundTrip {
  agentKey: string;
  approverKey: string;
  requestId: string;
}

/** Runs the round trip; `tag` keeps key names apart when one server sees it twice. */
export async function approvalRoundTrip(call: Call, adminKey: string, tag: string): Promise<RoundTrip> {
  const agent = await call('POST', '/v1/keys', adminKey, { role: 'agent', name: `agent-${tag}` });
  assert.equal(agent.status, 201, JSON.stringify(agent.body));
  const approver = await call('POST', '/v1/keys', adminKey, { role: 'approver', name: `approver-${tag}` });
  assert.equal(approver.status, 201, JSON.stringify(approver.body));

  const filed = await call('POST', '/v1/requests', agent.body.key, { title: `Deploy webapp (${tag})`, action_type: 'deploy', preview: 'kubectl apply -f prod.yaml' });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  assert.equal(filed.body.status, 'pending');
  const id: string = filed.body.id;

  const waiting = call('GET', `/v1/requests/${id}/wait?timeout_sec=60`, agent.body.key);
  const refused = await call('POST', `/v1/requests/${id}/decision`, agent.body.key, { outcome: 'approved' });
  assert.equal(refused.status, 403, 'the agent cannot approve its own request');
  const decided = await call('POST', `/v1/requests/${id}/decision`, approver.body.key, { outcome: 'approved', comment: 'go' });
  assert.equal(decided.status, 200, JSON.stringify(decided.body));

  const answered = await waiting;
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  assert.equal(answered.body.status, 'approved');
  assert.equal(answered.body.id, id);
  return { agentKey: agent.body.key, approverKey: approver.body.key, requestId: id };
}
