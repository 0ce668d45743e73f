// A local stand-in for the Gemini API (`…/v1beta/models/<model>:streamGenerateContent?alt=sse`,
// `:generateContent`, `:countTokens`), enough for the real Gemini CLI to run one tool call: the
// first turn that offers the scripted tool gets a functionCall; the turn that carries its
// functionResponse gets a short text reply quoting it.
import { createServer, type Server } from 'node:http';
import { onLoopback } from '../helpers/net.js';

export interface ScriptedFunctionCall {
  name: string;
  args: Record<string, unknown>;
}

export interface MockGemini {
  url: string;
  setCall(call: ScriptedFunctionCall): void;
  /** functionResponse payloads the CLI sent back, as JSON text, in order. */
  toolOutputs: string[];
  close(): Promise<void>;
}

const usage = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

export async function startMockGemini(): Promise<MockGemini> {
  let call: ScriptedFunctionCall | null = null;
  const toolOutputs: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '';
    let body: any = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // answered by path below
    }
    if (url.includes(':countTokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ totalTokens: 10 }));
      return;
    }
    const offered: string[] = (Array.isArray(body.tools) ? body.tools : []).flatMap((t: any) => (t.functionDeclarations ?? []).map((f: any) => f.name));
    const contents: any[] = Array.isArray(body.contents) ? body.contents : [];
    const lastParts: any[] = contents[contents.length - 1]?.parts ?? [];
    const response = lastParts.find((p) => p.functionResponse)?.functionResponse;
    let parts: unknown[];
    if (response) {
      const text = JSON.stringify(response.response ?? {});
      toolOutputs.push(text);
      parts = [{ text: `tool said: ${text.slice(0, 500)}` }];
    } else if (call && offered.includes(call.name)) {
      parts = [{ functionCall: { name: call.name, args: call.args } }];
      call = null;
    } else {
      parts = [{ text: 'ok' }];
    }
    const payload = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, modelVersion: 'mock' };
    if (url.includes('alt=sse')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(payload)}\r\n\r\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
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
