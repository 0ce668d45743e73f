// A line filter in front of the MCP SDK's stdio transport (`greenlight mcp`). A message nested
// deeper than MAX_JSON_DEPTH never reaches the SDK, whose schemas and our tools would recurse
// through it: it is answered at once with a JSON-RPC parse error that names the limit, and the
// next line is read as usual. Every other line passes through unchanged.
import { Transform, type Readable } from 'node:stream';
import { jsonTooDeepError, jsonTooDeep } from '../core/bounded-json.js';

const NEWLINE = 0x0a;

/** The JSON-RPC error line for a message refused for its depth (with its id, when it has one). */
export function tooDeepReply(line: string): string {
  let id: string | number | null = null;
  try {
    // JSON.parse itself does not recurse, so reading the id of a deep message is safe.
    const m = JSON.parse(line) as { id?: unknown } | null;
    if (m && typeof m === 'object' && (typeof m.id === 'string' || typeof m.id === 'number')) id = m.id;
  } catch {
    // not JSON at all: id stays null
  }
  const err = jsonTooDeepError('The MCP message');
  return `${JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32700, message: `Parse error: ${err.message}`, data: { code: err.code } } })}\n`;
}

/** `input` with every over-deep line removed and answered through `reply`. */
export function guardStdin(input: Readable, reply: (line: string) => void): Transform {
  let pending: Buffer = Buffer.alloc(0);
  const pass = (self: Transform, line: Buffer) => {
    const text = line.toString('utf8');
    if (jsonTooDeep(text)) reply(tooDeepReply(text));
    else self.push(line);
  };
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE)) {
        pass(this, data.subarray(0, nl + 1));
        data = data.subarray(nl + 1);
      }
      pending = Buffer.from(data);
      done();
    },
    flush(done) {
      if (pending.length) pass(this, pending);
      done();
    },
  });
  return input.pipe(guard);
}
