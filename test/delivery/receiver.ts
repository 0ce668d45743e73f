// A real HTTP receiver on 127.0.0.1 for delivery tests: records every POST and answers with
// whatever `respond` says. `nextRequest()` resolves when the next request has arrived, so tests
// await arrivals instead of sleeping.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered with. */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  port: number;
  url: string;
  received: Received[];
  /** Resolves with the next request that gets `status` (any status when omitted). */
  nextRequest(status?: number): Promise<Received>;
  close(): Promise<void>;
}

export type Respond = (n: number, body: string) => Answer;

export async function startReceiver(options: { port?: number; respond?: Respond } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const waiting: { status?: number; resolve: (r: Received) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = options.respond?.(received.length + 1, body) ?? { status: 200 };
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, status: answer.status };
      received.push(entry);
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? 'ok', () => {
        for (const w of [...waiting]) {
          if (w.status === undefined || w.status === answer.status) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve(entry);
          }
        }
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    nextRequest: (status) => new Promise((resolve) => waiting.push({ status, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (for "the receiver is down"), free to listen on later. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
