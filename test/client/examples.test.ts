// The examples run against a real server with scripted models (no network, no API keys).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Usage, type Model, type ModelRequest, type ModelResponse } from '@openai/agents';
import { MockLanguageModelV2 } from 'ai/test';
import { runWithAiSdk } from '../../examples/ai-sdk.js';
import { runDeployAgent } from '../../examples/openai-agents.js';
import { createClient } from '../../src/client/index.js';
import { KEYS, startTestServer, type TestServer } from '../helpers/harness.js';

/** Calls `deploy` once, then answers with the tool's output. */
class ScriptedModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const items = Array.isArray(request.input) ? request.input : [];
    const toolOutput = items.find((i: any) => i.type === 'function_call_result') as any;
    if (!toolOutput) return { usage: new Usage(), output: [{ type: 'function_call', callId: 'call_1', name: 'deploy', arguments: '{"env":"prod"}', status: 'completed' } as any] };
    const text = typeof toolOutput.output === 'string' ? toolOutput.output : (toolOutput.output?.text ?? JSON.stringify(toolOutput.output));
    return { usage: new Usage(), output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `result: ${text}` }] } as any] };
  }
  async *getStreamedResponse(): AsyncIterable<any> {
    throw new Error('not used');
  }
}

async function decideWhenPending(srv: TestServer, decision: Record<string, unknown>): Promise<void> {
  for (;;) {
    const res = await srv.call('approver', 'GET', '/v1/requests/pending');
    if (res.body.items.length) {
      await srv.call('approver', 'POST', `/v1/requests/${res.body.items[0].id}/decision`, decision);
      return;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const aiModel = () => {
  let call = 0;
  return new MockLanguageModelV2({
    doGenerate: async () => {
      call += 1;
      const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
      if (call === 1) return { content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'drop_database', input: '{"name":"staging"}' }], finishReason: 'tool-calls', usage, warnings: [] };
      return { content: [{ type: 'text', text: 'done' }], finishReason: 'stop', usage, warnings: [] };
    },
  });
};

describe('examples against a real server', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.stop());
  const client = () => createClient({ url: srv.url, key: KEYS.agent });

  it('OpenAI Agents: the tool runs only after a human approves it in Greenlight', async () => {
    const running = runDeployAgent(client(), { model: new ScriptedModel() });
    await decideWhenPending(srv, { outcome: 'approved' });
    const r = await running;
    assert.deepEqual(r.deployed, ['prod']);
    assert.match(String(r.output), /deployed to prod/);
  });

  it('OpenAI Agents: a denial rejects the call and the model reads the reason', async () => {
    const running = runDeployAgent(client(), { model: new ScriptedModel() });
    await decideWhenPending(srv, { outcome: 'denied', comment: 'freeze week' });
    const r = await running;
    assert.deepEqual(r.deployed, []);
    assert.match(String(r.output), /freeze week/);
  });

  it('AI SDK: an approved call runs with the approver\'s edited input', async () => {
    const running = runWithAiSdk(client(), aiModel());
    await decideWhenPending(srv, { outcome: 'approved', updated_input: { name: 'staging_copy' } });
    const r = await running;
    assert.deepEqual(r.dropped, ['staging_copy']);
  });

  it('AI SDK: a denied call never runs and the model sees a tool error', async () => {
    const running = runWithAiSdk(client(), aiModel());
    await decideWhenPending(srv, { outcome: 'denied', comment: 'not today' });
    const r = await running;
    assert.deepEqual(r.dropped, []);
    const errors = r.steps.flatMap((s: any) => s.content).filter((p: any) => p.type === 'tool-error');
    assert.match(String(errors[0]?.error?.message ?? errors[0]?.error), /not today/);
  });
});
