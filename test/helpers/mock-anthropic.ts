// A local stand-in for the Anthropic Messages API, enough for the real Claude Code CLI to run one
// tool call: the first turn that offers tools gets a scripted tool_use; the turn that carries the
// tool_result gets a short text reply quoting it, then end_turn. Streams SSE like the real API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { onLoopback } from './net.js';

export interface ScriptedTool {
  name: string;
  input: Record<string, unknown>;
}

export interface MockAnthropic {
  url: string;
  /** The tool the model asks for, once, on the next turn that offers it. */
  setTool(tool: ScriptedTool): void;
  /** tool_result texts the CLI sent back, in order. */
  toolResults: string[];
  close(): Promise<void>;
}

function sse(res: ServerResponse, events: [string, unknown][]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
}

const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

function message(id: string, model: string) {
  return { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage };
}

function textReply(res: ServerResponse, model: string, text: string, stream: boolean): void {
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...message('msg_text', model), content: [{ type: 'text', text }], stop_reason: 'end_turn' }));
    return;
  }
  sse(res, [
    ['message_start', { type: 'message_start', message: message('msg_text', model) }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

function toolReply(res: ServerResponse, model: string, tool: ScriptedTool, n: number): void {
  const json = JSON.stringify(tool.input);
  const half = Math.floor(json.length / 2);
  sse(res, [
    ['message_start', { type: 'message_start', message: message(`msg_tool_${n}`, model) }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: `toolu_mock_${n}`, name: tool.name, input: {} } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(half) } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } }],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

function resultText(block: any): string {
  if (typeof block.content === 'string') return block.content;
  if (Array.isArray(block.content)) return block.content.map((c: any) => c.text ?? '').join('');
  return '';
}

export async function startMockAnthropic(): Promise<MockAnthropic> {
  let tool: ScriptedTool = { name: 'Bash', input: { command: 'true' } };
  let armed = false;
  let n = 0;
  const toolResults: string[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '';
    if (!url.startsWith('/v1/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: url } }));
      return;
    }
    let body: any = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // count_tokens and the like
    }
    const model = body.model ?? 'claude-mock';
    if (url.startsWith('/v1/messages/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: 10 }));
      return;
    }
    // The tool_result is in the turn after the last assistant message (Claude Code may add text
    // blocks, or a system message such as the budget left, after it).
    const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
    const trailing: any[] = [];
    for (let i = messages.length - 1; i >= 0 && messages[i]?.role !== 'assistant'; i--) trailing.unshift(...(Array.isArray(messages[i].content) ? messages[i].content : []));
    const result = trailing.find((b: any) => b.type === 'tool_result');
    const offersTool = Array.isArray(body.tools) && body.tools.some((t: any) => t.name === tool.name);
    if (result) {
      const text = resultText(result);
      toolResults.push(text);
      return textReply(res, model, `tool said: ${text.slice(0, 500)}`, body.stream === true);
    }
    if (offersTool && armed) {
      armed = false;
      return toolReply(res, model, tool, ++n);
    }
    return textReply(res, model, 'ok', body.stream === true);
  });
  const { url, close } = await onLoopback(server);
  return {
    url,
    setTool: (t) => {
      tool = t;
      armed = true;
      toolResults.length = 0;
    },
    toolResults,
    close,
  };
}
