// Several real `greenlight serve` processes on one PostgreSQL database, on loopback: what a load
// balancer would have behind it. Each is its own process, so a test can kill -9 one. Also a
// recording proxy in front of the Telegram emulator, so a test sees every Bot API call any
// instance makes.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BIN, cleanEnv, REPO } from '../cli/cli-helpers.js';

export const KEYS = {
  agent: 'agent-key-0123456789abcdef',
  approver: 'approver-key-0123456789abcdef',
  otherApprover: 'other-approver-key-0123456789',
  admin: 'admin-key-0123456789abcdefgh',
};

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  /** The process is gone (killed or exited). */
  dead(): boolean;
  output(): string;
  call(key: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
  metric(name: string): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The config every instance of a test shares (YAML lines added to the base). */
export function baseYaml(extra: string[] = []): string[] {
  return [
    'server: { host: 127.0.0.1, port: 0 }',
    'log: { level: warn }',
    'rate_limit: { per_minute: 0 }',
    `agents: [{ name: agent-a, key: ${KEYS.agent} }]`,
    `approvers: [{ name: alice, key: ${KEYS.approver}, telegram_user_id: 42 }, { name: bob, key: ${KEYS.otherApprover}, telegram_user_id: 43 }]`,
    `admins: [{ name: root, key: ${KEYS.admin} }]`,
    ...extra,
  ];
}

export async function startInstance(name: string, dir: string, databaseUrl: string, yaml: string[]): Promise<Instance> {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, [...yaml, `data_dir: ${JSON.stringify(join(dir, name))}`].join('\n'));
  // Instances of one database sign receipts with one key, given as docs/config.md says.
  const receiptKey = join(dir, 'receipt-key.pem');
  if (!existsSync(receiptKey)) writeFileSync(receiptKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config], { cwd: REPO, env: cleanEnv({ GREENLIGHT_DATABASE_URL: databaseUrl, GREENLIGHT_RECEIPTS_SIGNING_KEY_FILE: receiptKey }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening:\n${out}`));
    });
  });
  const instance: Instance = {
    name,
    url,
    child,
    dead: () => exited,
    output: () => out,
    async call(key, method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (key) h.authorization = `Bearer ${key}`;
      if (body !== undefined) h['content-type'] = 'application/json';
      const res = await fetch(url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: res.status, body: parsed, text };
    },
    async metric(metricName) {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(new RegExp(`^${metricName} (\\d+(?:\\.\\d+)?)`, 'm').exec(text)?.[1] ?? NaN);
    },
    async kill(signal = 'SIGTERM') {
      if (exited) return;
      child.kill(signal);
      await exit;
    },
  };
  return instance;
}

export async function startInstances(n: number, dir: string, databaseUrl: string, yaml: string[]): Promise<Instance[]> {
  // One at a time: the first migrates; the others find nothing to do (they would queue on the lock anyway).
  const out: Instance[] = [];
  for (let i = 0; i < n; i++) out.push(await startInstance(String.fromCharCode(65 + i), dir, databaseUrl, yaml));
  return out;
}

export { eventually as until } from '../telegram/emulator.js';

export interface BotCall {
  method: string;
  payload: Record<string, any>;
}

/** Methods telegram-test-api lacks, answered as Telegram would. */
const FAKED = new Set(['sendDocument', 'editMessageCaption', 'setMyCommands', 'getWebhookInfo', 'deleteWebhook']);

/** A proxy in front of the Bot API emulator that records each call from any instance. */
export async function startBotApiProxy(emulatorRoot: string): Promise<{ apiRoot: string; calls: BotCall[]; close(): Promise<void> }> {
  const calls: BotCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const method = (req.url ?? '').split('/').pop()?.split('?')[0] ?? '';
      let payload: Record<string, any> = {};
      try {
        payload = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, any>) : {};
      } catch {
        payload = {};
      }
      if (method !== 'getUpdates') calls.push({ method, payload });
      if (FAKED.has(method)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result: true }));
        return;
      }
      try {
        const upstream = await fetch(emulatorRoot + req.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body: raw.length ? raw : undefined });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      } catch {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
