// How fast list and search pages are with a big history in SQLite.
// Usage: node dist/bench/store-list.js [rows]   (default 1,000,000; the budget is 20 ms a page)
//
// Fills a temp file in one transaction with prepared inserts (bypassing createRequest, which
// would also write audit rows), builds the search index, then times each query 50 times and
// prints p50/p99.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { newId } from '../src/core/ids.js';
import type { ApprovalRequest, Priority, Status } from '../src/core/types.js';
import { INSERT_REQUEST_SQL, INSERT_TAG_SQL, requestToRow } from '../src/store/sqlite/sqlite-rows.js';
import { SearchIndex } from '../src/store/sqlite/sqlite-search-index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { RequestFilter } from '../src/store/store.js';
import { makeRequest } from '../src/store/fixtures.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 50;
const BUDGET_MS = 20;
const START = Date.UTC(2024, 0, 1);

/** Small deterministic PRNG (mulberry32), so every run builds the same data. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
function weighted<T>(table: readonly [T, number][]): T {
  let r = random();
  for (const [value, weight] of table) if ((r -= weight) < 0) return value;
  return table[table.length - 1][0];
}

const COMMANDS = ['git status', 'git diff --stat', 'npm test', 'ls -la', 'cat package.json', 'kubectl get pods', 'docker ps -a', 'rm -rf build', 'curl -s https://api.example.com/v1/items', 'psql -c "select 1"', 'make release', 'terraform plan'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november'];
const STATUSES: [Status, number][] = [['pending', 0.05], ['approved', 0.6], ['denied', 0.2], ['expired', 0.1], ['cancelled', 0.05]];
const PRIORITIES: [Priority, number][] = [['normal', 0.7], ['high', 0.15], ['low', 0.1], ['critical', 0.05]];
const AGENTS = Array.from({ length: 40 }, (_, i) => `agent-${i}`);
const PROJECTS = Array.from({ length: 25 }, (_, i) => `project-${i}`);
const TAGS = Array.from({ length: 30 }, (_, i) => `tag-${i}`);

function syntheticRequest(i: number): ApprovalRequest {
  const createdAt = START + i * 1000 + Math.floor(random() * 1000);
  const command = pick(COMMANDS);
  const rare = i % 100_000 === 7 ? ' zebra-unicorn' : ''; // 10 rows in a million
  const mid = i % 500 === 3 ? ' otter' : ''; // 2,000 rows in a million
  const preview = `${command} ${pick(WORDS)}-${Math.floor(random() * 10_000)}${rare}${mid}`;
  const tagCount = Math.floor(random() * 3);
  return makeRequest({
    id: newId('req', createdAt),
    status: weighted(STATUSES),
    title: `Run ${command.split(' ')[0]} for ${pick(WORDS)}`,
    preview,
    input: { command: preview },
    agent: random() < 0.5 ? AGENTS[Math.floor(random() * 4)] : pick(AGENTS),
    project: pick(PROJECTS),
    priority: weighted(PRIORITIES),
    tags: Array.from({ length: tagCount }, () => pick(TAGS)),
    context: random() < 0.3 ? `Part of ticket OPS-${Math.floor(random() * 5000)}` : null,
    requester: random() < 0.2 ? `${pick(WORDS)} bot` : null,
    created_at: createdAt,
    updated_at: createdAt,
    expires_at: createdAt + 600_000,
  });
}

function fill(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('cache_size = -262144'); // 256 MB for the bulk load only
  const insert = db.prepare(INSERT_REQUEST_SQL);
  const insertTag = db.prepare(INSERT_TAG_SQL);
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const request = syntheticRequest(i);
      insert.run(requestToRow(request));
      for (const tag of new Set(request.tags)) insertTag.run(tag, request.created_at, request.id);
      if ((i + 1) % 100_000 === 0) process.stdout.write(`  ${(i + 1).toLocaleString('en')} rows, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  })();
  console.log(`filled ${ROWS.toLocaleString('en')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // What the first searches would do in passing, done here at once so the timings are steady.
  const indexing = performance.now();
  new SearchIndex(db).catchUp(Number.MAX_SAFE_INTEGER, 50_000);
  console.log(`built the search index in ${((performance.now() - indexing) / 1000).toFixed(1)} s`);
  db.close();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Case {
  name: string;
  run: () => Promise<number>;
}

async function time(c: Case): Promise<{ name: string; rows: number; p50: number; p99: number }> {
  let rows = 0;
  for (let i = 0; i < 3; i++) rows = await c.run(); // warm the page cache and statement cache
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await c.run();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { name: c.name, rows, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-'));
  const path = join(dir, 'bench.db');
  try {
    console.log(`store-list: ${ROWS.toLocaleString('en')} requests in ${path}`);
    const setup = new SqliteStore({ path });
    await setup.migrate();
    await setup.close();
    fill(path);
    console.log(`file size: ${(statSync(path).size / 1e6).toFixed(0)} MB`);

    const store = new SqliteStore({ path });
    await store.migrate();
    const page = (filter: Partial<RequestFilter>) => async () => (await store.listRequests({ order: 'newest', limit: 50, ...filter })).items.length;
    const first = await store.listRequests({ order: 'newest', limit: 50 });
    const second = await store.listRequests({ order: 'newest', limit: 50, cursor: first.next_cursor! });

    const cases: Case[] = [
      { name: 'newest, first page', run: page({}) },
      { name: 'newest, page 3 via cursor', run: page({ cursor: second.next_cursor! }) },
      { name: 'newest, page 3 via offset 100', run: page({ offset: 100 }) },
      { name: 'status = pending', run: page({ status: ['pending'] }) },
      { name: 'status in (approved, denied)', run: page({ status: ['approved', 'denied'] }) },
      { name: 'agent = agent-1 (common)', run: page({ agent: 'agent-1' }) },
      { name: 'agent = agent-39', run: page({ agent: 'agent-39' }) },
      { name: 'tag = tag-7', run: page({ tag: 'tag-7' }) },
      { name: 'priority = critical', run: page({ priority: ['critical'] }) },
      { name: 'text rare (10 rows)', run: page({ text: 'Zebra-Unicorn' }) },
      { name: 'text mid (2,000 rows)', run: page({ text: 'otter' }) },
      { name: 'text common (git status)', run: page({ text: 'GIT STATUS' }) },
      { name: 'text common + status pending', run: page({ text: 'kubectl', status: ['pending'] }) },
      { name: 'text rare + agent', run: page({ text: 'zebra-unicorn', agent: 'agent-1' }) },
      { name: 'queue order, pending, first page', run: page({ order: 'queue', status: ['pending'] }) },
      { name: 'count status = pending', run: () => store.countRequests({ status: ['pending'] }) },
      { name: 'count agent = agent-39', run: () => store.countRequests({ agent: 'agent-39' }) },
      { name: 'count text rare', run: () => store.countRequests({ text: 'zebra-unicorn' }) },
    ];

    const results = [];
    for (const c of cases) results.push(await time(c));
    await store.close();

    const width = Math.max(...results.map((r) => r.name.length));
    console.log(`\n${'query'.padEnd(width)}  ${'rows'.padStart(7)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
    for (const r of results) {
      const flag = r.p99 > BUDGET_MS ? `  over ${BUDGET_MS} ms` : '';
      console.log(`${r.name.padEnd(width)}  ${String(r.rows).padStart(7)}  ${r.p50.toFixed(2).padStart(8)}  ${r.p99.toFixed(2).padStart(8)}${flag}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
