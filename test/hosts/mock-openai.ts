// A local stand-in for OpenAI's model APIs, enough for a real agent CLI to run one shell tool
// call: the Responses API (`POST …/responses`, streamed as SSE — what Codex speaks) and Chat
// Completions (`POST …/chat/completions`, streamed — what OpenAI-compatible providers speak, e.g.
// OpenCode's). The first turn that offers the scripted tool gets a call to it with the scripted
// arguments; the turn that carries its output gets a short text reply quoting that output.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { onLoopback } from '../helpers/net.js';

export interface ScriptedCall {
  /** Tool names to look for in the request, first match wins (e.g. exec_command, shell, bash). */
  tools: string[];
  /** The arguments, given the tool name that matched. */
  args: (tool: string) => Record<string, unknown>;
}

export interface MockOpenAI {
  url: string;
  /** The call the model makes, once, on the next turn that offers one of its tools. */
  setCall(call: ScriptedCall): void;
  /** Tool outputs the CLI sent back, in order. */
  toolOutputs: string[];
  close(): Promise<void>;
}

const toolName = (t: any): string => t?.name ?? t?.function?.name ?? t?.type ?? '';

function sse(res: ServerResponse, events: unknown[], named: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(named ? `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n` : `data: ${JSON.stringify(e)}\n\n`);
  if (!named) res.write('data: [DONE]\n\n');
  res.end();
}

const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };

function responsesReply(res: ServerResponse, n: number, item: Record<string, unknown>): void {
  const id = `resp_${n}`;
  sse(res, [
    { type: 'response.created', response: { id, status: 'in_progress' } },
    { type: 'response.output_item.added', output_index: 0, item },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { id, status: 'completed', usage } },
  ], true);
}

function chatReply(res: ServerResponse, n: number, model: string, delta: Record<string, unknown>, finish: string): void {
  const base = { id: `chatcmpl_${n}`, object: 'chat.completion.chunk', created: 1_700_000_000, model };
  sse(res, [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', ...delta }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
  ], false);
}

function outputText(o: unknown): string {
  if (typeof o === 'string') return o;
  if (Array.isArray(o)) return o.map((c: any) => c?.text ?? '').join('');
  if (o && typeof o === 'object' && typeof (o as any).output === 'string') return (o as any).output;
  return JSON.stringify(o ?? '');
}

export async function startMockOpenAI(): Promise<MockOpenAI> {
  let call: ScriptedCall | null = null;
  let n = 0;
  const toolOutputs: string[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '';
    let body: any = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // not JSON: answered below by path
    }
    const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
    const offered = tools.map(toolName);
    const match = call ? call.tools.find((t) => offered.includes(t)) : undefined;
    n++;
    if (url.endsWith('/responses')) {
      const input: any[] = Array.isArray(body.input) ? body.input : [];
      const last = input[input.length - 1];
      if (last && /_call_output$/.test(last.type ?? '')) {
        const text = outputText(last.output);
        toolOutputs.push(text);
        return responsesReply(res, n, { type: 'message', role: 'assistant', id: `msg_${n}`, status: 'completed', content: [{ type: 'output_text', text: `tool said: ${text.slice(0, 500)}`, annotations: [] }] });
      }
      if (call && match) {
        const args = call.args(match);
        call = null;
        return responsesReply(res, n, { type: 'function_call', id: `fc_${n}`, call_id: `call_mock_${n}`, name: match, arguments: JSON.stringify(args), status: 'completed' });
      }
      return responsesReply(res, n, { type: 'message', role: 'assistant', id: `msg_${n}`, status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] });
    }
    if (url.endsWith('/chat/completions')) {
      const model = typeof body.model === 'string' ? body.model : 'mock';
      const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
      const last = messages[messages.length - 1];
      if (last?.role === 'tool') {
        const text = outputText(last.content);
        toolOutputs.push(text);
        return chatReply(res, n, model, { content: `tool said: ${text.slice(0, 500)}` }, 'stop');
      }
      if (call && match) {
        const args = call.args(match);
        call = null;
        return chatReply(res, n, model, { tool_calls: [{ index: 0, id: `call_mock_${n}`, type: 'function', function: { name: match, arguments: JSON.stringify(args) } }] }, 'tool_calls');
      }
      return chatReply(res, n, model, { content: 'ok' }, 'stop');
    }
    if (url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model', owned_by: 'greenlight-test' }] }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `mock has no ${url}` } }));
  });
  const { url, close } = await onLoopback(server);
  return {
    url,
    setCall: (c) => {
      call = c;
      toolOutputs.length = 0;
    },
    toolOutputs,
    close,
  };
}
