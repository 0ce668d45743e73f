// What one create costs the SQLite store: CPU per create and WAL pages per commit, with the real
// group commit and its fdatasync, batches of 16 concurrent creates (as at concurrency 16), each
// with the two audit rows of a policy-decided request. Run with the store's settings, and next to
// it (interleaved, in fresh processes) with the temporary store in files as SQLite's default has
// it — the reference for `temp_store = MEMORY` in sqlite-open.ts.
// Usage: node dist/bench/store-writes.js [rounds=3] [batches=300]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newId } from '../src/core/ids.js';
import type { ApprovalRequest } from '../src/core/types.js';
import { makeRequest } from '../src/store/fixtures.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Effects } from '../src/store/store.js';

const BATCH = 16;
const WAL_FRAME = 24 + 4096;

/** A request as the server files it now: time-ordered ids, as the indexes see them in production. */
function request(n: number): ApprovalRequest {
  const now = Date.now();
  return makeRequest({ id: newId('req', now), title: `deploy ${n}`, tags: ['bench'], created_at: now, updated_at: now, expires_at: now + 600_000 });
}

const effects = (r: ApprovalRequest): Effects => ({
  audit: [
    { at: r.created_at, actor_kind: 'agent', actor_name: 'bench', action: 'request.created', request_id: r.id, via: 'api', detail: { title: r.title, project: null, priority: 'normal' } },
    { at: r.created_at, actor_kind: 'policy', actor_name: 'allow-git', action: 'request.auto_approved', request_id: r.id, via: 'policy', detail: { rule: 'allow-git', reason: 'allowed' } },
  ],
  outbox: [],
});

/** One measurement in this process: prints a JSON line. */
async function measure(tempStore: string, batches: number): Promise<void> {
  if (tempStore !== 'store') {
    // The reference: the same store with SQLite's default temporary store (files).
    const pragma = Database.prototype.pragma;
    Database.prototype.pragma = function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
      return pragma.call(this, source.startsWith('temp_store') ? `temp_store = ${tempStore}` : source, options);
    } as typeof pragma;
  }
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-store-writes-'));
  const path = join(dir, 'greenlight.db');
  const store = new SqliteStore({ path });
  await store.migrate();
  let n = 0;
  const batch = async (size: number) => {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < size; i++) {
      const r = request(n++);
      writes.push(store.createRequest(r, effects(r)));
    }
    await Promise.all(writes);
  };
  const walFrames = () => Math.max(0, (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 32) - 32) / WAL_FRAME;
  try {
    for (let i = 0; i < 50; i++) await batch(BATCH); // warm up
    const side = new Database(path);
    side.pragma('wal_checkpoint(TRUNCATE)');
    side.close();
    const pages: Record<string, number> = {};
    for (const size of [1, BATCH]) {
      const before = walFrames();
      await batch(size);
      pages[`pages_per_commit_${size}`] = Math.round(walFrames() - before);
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < batches; i++) await batch(BATCH);
    const used = process.cpuUsage(cpu);
    const creates = batches * BATCH;
    process.stdout.write(`${JSON.stringify({ cpu_us: (used.user + used.system) / creates, wall_us: ((performance.now() - started) * 1000) / creates, ...pages })}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--one') return measure(rest[0], Number(rest[1]));
  const rounds = Number(mode ?? 3);
  const batches = Number(rest[0] ?? 300);
  const variants = [
    ['temp_store = MEMORY (the store)', 'store'],
    ['temp_store = FILE (SQLite default)', 'FILE'],
  ] as const;
  const results = new Map<string, { cpu_us: number; wall_us: number; pages_per_commit_1: number; pages_per_commit_16: number }[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [label, variant] of round % 2 ? [...variants].reverse() : variants) {
      const run = spawnSync(process.execPath, [import.meta.filename, '--one', variant, String(batches)], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${label}: ${run.stderr}`);
      const list = results.get(label) ?? [];
      list.push(JSON.parse(run.stdout.trim().split('\n').pop()!));
      results.set(label, list);
    }
  }
  process.stdout.write(`\nSQLite store, ${batches} batches of ${BATCH} creates (2 audit rows each), ${rounds} interleaved rounds; ranges over rounds\n`);
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  const [store, reference] = variants.map(([label]) => results.get(label)!);
  for (const [label] of variants) {
    const rs = results.get(label)!;
    process.stdout.write(`${label.padEnd(36)} CPU µs/create ${range(rs.map((r) => r.cpu_us)).padEnd(10)} wall µs/create ${range(rs.map((r) => r.wall_us)).padEnd(10)} WAL pages: 1 create ${range(rs.map((r) => r.pages_per_commit_1))}, ${BATCH} creates ${range(rs.map((r) => r.pages_per_commit_16))}\n`);
  }
  const ratios = store.map((s, i) => s.cpu_us / reference[i].cpu_us);
  process.stdout.write(`CPU per create, store ÷ reference, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}\n`);
}

await main();
