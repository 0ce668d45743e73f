// Starts the real server on a free loopback port with a fresh SQLite file, and gives tests a
// small fetch client per role.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, type Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';

export const KEYS = {
  agent: 'agent-key-0123456789abcdef',
  otherAgent: 'other-agent-key-0123456789ab',
  approver: 'approver-key-0123456789abcdef',
  otherApprover: 'other-approver-key-0123456789',
  admin: 'admin-key-0123456789abcdefgh',
} as const;

export type Role = keyof typeof KEYS;

export interface TestServer extends RunningServer {
  dataDir: string;
  config: Config;
  /** fetch with a role's key (or none) against the server. */
  call(role: Role | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

/**
 * The receipt key instances of one PostgreSQL database share (as receipts.signing_key); a SQLite
 * test server makes its own in its data dir.
 */
export const SHARED_RECEIPT_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

const onPostgres = (o: Record<string, unknown>) => {
  const store = o.store as { url?: string | null; kind?: string | null } | undefined;
  return Boolean(store?.url) || store?.kind === 'postgres';
};

/** The principals every test server has, plus whatever `overrides` adds. */
export function testConfig(dataDir: string, overrides: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({
    ...(onPostgres(overrides) ? { receipts: { signing_key: SHARED_RECEIPT_KEY } } : {}),
    server: { host: '127.0.0.1', port: 0 },
    data_dir: dataDir,
    log: { level: 'silent' },
    agents: [
      { name: 'agent-a', key: KEYS.agent },
      { name: 'agent-b', key: KEYS.otherAgent },
    ],
    approvers: [
      { name: 'alice', key: KEYS.approver, telegram_user_id: 42, email: 'alice@example.com' },
      { name: 'bob', key: KEYS.otherApprover },
    ],
    admins: [{ name: 'root', key: KEYS.admin }],
    rate_limit: { per_minute: 0 },
    ...overrides,
  });
}

export async function startTestServer(overrides: Record<string, unknown> = {}, options: ServerOptions & { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'greenlight-test-'));
  const config = testConfig(dataDir, overrides);
  const server = await startServer(config, { logger: silentLogger, ...options });
  const call: TestServer['call'] = async (role, method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (role) h.authorization = `Bearer ${KEYS[role]}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(server.url + path, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  return {
    ...server,
    dataDir,
    config,
    call,
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
