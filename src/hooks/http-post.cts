// One HTTP/1.1 POST on a connection of its own, written on node:net (node:tls for https), for the
// command hook (command-hook.cts). node:http would cost a fresh process about 6–7 ms to load (its
// agent, parser and client modules; docs/benchmarks.md) for one request that needs none of it:
// the hook sends `Connection: close`, so the answer is everything the server sends before it
// closes. Free of imports of our own and in CommonJS, like the hook.
import net = require('node:net');

interface Answer {
  status: number;
  text: string;
}

/** A header value the request line cannot carry (CR, LF or another control character). */
const UNSAFE_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * POSTs `body` (JSON text) to `url` with `headers`; resolves with the status and the body as
 * UTF-8 text. Rejects with an error whose `code` names the failure (ECONNREFUSED, ETIMEDOUT when
 * nothing arrives for `timeoutMs`, EBADRESPONSE when the answer is not HTTP/1.x). `onSent` runs
 * once the request is handed to the kernel: work for the time the server takes to answer.
 */
function postJson(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, onSent?: () => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') return reject(codedError('EPROTO', `${url.protocol} is not http: or https:`));
    for (const [name, value] of Object.entries(headers)) {
      if (UNSAFE_HEADER.test(value)) return reject(codedError('EINVALIDHEADER', `the ${name} header holds a control character`));
    }
    const payload = Buffer.from(body, 'utf8');
    let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\nContent-Length: ${payload.length}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port) || (https ? 443 : 80);
    const socket: net.Socket = https
      ? (require('node:tls') as typeof import('node:tls')).connect({ host, port, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port, noDelay: true });
    const chunks: Buffer[] = [];
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(codedError('ETIMEDOUT', `no answer within ${Math.round(timeoutMs / 1000)} s`)));
    socket.on('error', fail);
    const finish = () => {
      if (settled) return;
      settled = true;
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    };
    let received = 0;
    let expected: number | null | undefined;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      // Done when the body its Content-Length announced is in, even if the server keeps the
      // connection open despite `Connection: close`; then this side closes it.
      if (expected === undefined) expected = answerLength(chunks.length === 1 ? chunk : Buffer.concat(chunks));
      if (typeof expected === 'number' && received >= expected) {
        finish();
        socket.destroy();
      }
    });
    // The request is not half-closed (end()) after sending: a server may take that as the client
    // leaving and close without answering. After the server's end, the socket closes itself.
    socket.on('end', finish);
    socket.on('close', () => fail(codedError('ECONNRESET', 'the connection closed before an answer')));
    socket.write(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), payload]), onSent && ((err?: Error | null) => err || onSent()));
  });
}

/**
 * The length in bytes of the whole response, from its Content-Length; null when the headers do
 * not give it (an interim 1xx, a chunked body: read to the end); undefined while they are not all in.
 */
function answerLength(raw: Buffer): number | null | undefined {
  const end = raw.indexOf('\r\n\r\n', 0, 'latin1');
  if (end === -1) return undefined;
  const head = raw.toString('latin1', 0, end);
  if (!/^HTTP\/1\.[01] [2-5]\d\d/.test(head) || /\r\ntransfer-encoding:/i.test(head)) return null;
  const length = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(head);
  return length ? end + 4 + Number(length[1]) : null;
}

/** Status and body of a complete HTTP/1.x response (interim 1xx answers skipped, chunked bodies joined). */
function parseResponse(raw: Buffer): Answer {
  let start = 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', start, 'latin1');
    if (end === -1) throw codedError('EBADRESPONSE', 'the answer ended inside its headers');
    const lines = raw.toString('latin1', start, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1];
    if (!status) throw codedError('EBADRESPONSE', 'the answer is not HTTP/1.x');
    const fields = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    start = end + 4;
    const code = Number(status);
    if (code >= 100 && code < 200) continue;
    let bytes = raw.subarray(start);
    if (/\bchunked\b/i.test(fields.get('transfer-encoding') ?? '')) bytes = dechunk(bytes);
    else if (fields.has('content-length')) bytes = bytes.subarray(0, Number(fields.get('content-length')));
    return { status: code, text: bytes.toString('utf8') };
  }
}

/** A chunked body's data (RFC 9112 §7.1); chunk extensions and trailers are read past. */
function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at, 'latin1');
    if (eol === -1) throw codedError('EBADRESPONSE', 'the answer ended inside a chunk');
    const size = parseInt(raw.toString('latin1', at, eol).split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) throw codedError('EBADRESPONSE', 'a chunk size is not hexadecimal');
    if (size === 0) return Buffer.concat(parts);
    if (eol + 2 + size > raw.length) throw codedError('EBADRESPONSE', 'the answer ended inside a chunk');
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export = { postJson, parseResponse };
