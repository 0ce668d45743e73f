// What GET /v1/insights costs over a big history in SQLite, beside reference queries in the same run.
// Usage: node dist/bench/insights.js [rows]   (default 100,000 requests over 30 days)
//
// Fills a temp file with prepared inserts (60% approved by people, 20% allowed by the policy, the
// rest denied / expired / pending), then times, 5 runs each (median):
//   figures       Store.scanHistory pages + the figures builder (the endpoint without suggestions)
//   ref: GROUP BY one SQL aggregate of status × who decided (the least any count must cost)
//   ref: list     listRequests pages over the same window (decoding whole requests)
//   suggestions   the suggested rules over the last 30 days (scan with input + policy evaluation)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { ConfigSchema } from '../src/config/schema.js';
import { newId } from '../src/core/ids.js';
import type { Status } from '../src/core/types.js';
import { createInsights } from '../src/insights/service.js';
import { silentLogger } from '../src/log.js';
import { createPolicyService } from '../src/policy-service.js';
import { makeDecision, makeRequest } from '../src/store/fixtures.js';
import { INSERT_REQUEST_SQL, requestToRow } from '../src/store/sqlite/sqlite-rows.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const NOW = Date.UTC(2026, 0, 31);
const SPAN = 30 * 86_400_000;
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const COMMANDS = ['npm run lint', 'npm run lint --fix', 'git status', 'cargo fmt --check', 'make build', 'kubectl get pods', 'docker ps -a', 'npm test', 'pytest -q', 'terraform plan'];

function fill(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(INSERT_REQUEST_SQL);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const created = NOW - SPAN + Math.floor((i / ROWS) * SPAN);
      const r = random();
      const status: Status = r < 0.6 ? 'approved' : r < 0.8 ? 'approved' : r < 0.9 ? 'denied' : r < 0.97 ? 'expired' : 'pending';
      const auto = r >= 0.6 && r < 0.8;
      const command = `${pick(COMMANDS)}${random() < 0.3 ? ` ${Math.floor(random() * 50)}` : ''}`;
      const decided = status === 'approved' || status === 'denied';
      const request = makeRequest({
        id: newId('req', created),
        status,
        input: { command },
        preview: command,
        agent: `agent-${Math.floor(random() * 20)}`,
        project: `project-${Math.floor(random() * 5)}`,
        cwd: '/srv/app',
        created_at: created,
        updated_at: created + 60_000,
        expires_at: created + 600_000,
        policy: { verdict: auto ? 'allow' : 'ask', rule: auto ? 'Bash(git *)' : null, reason: '' },
        decision: decided ? makeDecision({ outcome: status as 'approved' | 'denied', decided_by: auto ? 'policy' : pick(['alice', 'bob', 'carol']), decided_by_kind: auto ? 'policy' : 'approver', via: auto ? 'policy' : pick(['telegram', 'web', 'email']), decided_at: created + Math.floor(random() * 600_000) }) : null,
      });
      insert.run(requestToRow(request));
    }
  })();
  db.close();
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-insights-'));
  const path = join(dir, 'greenlight.db');
  try {
    const store = new SqliteStore({ path });
    await store.migrate();
    await store.close();
    fill(path);
    const s = new SqliteStore({ path });
    await s.migrate();
    const config = ConfigSchema.parse({ projects: Array.from({ length: 5 }, (_, i) => ({ name: `project-${i}`, directories: ['/srv/app'] })), insights: { suggest_days: 30 } });
    const policy = await createPolicyService({ config, configFile: null, store: s, logger: silentLogger, now: () => NOW });
    const insights = createInsights({ store: s, config, policy, clock: { now: () => NOW } });
    const raw = new Database(path, { readonly: true });
    const groupBy = raw.prepare("SELECT status, json_extract(decision, '$.decided_by_kind') AS kind, count(*) AS n FROM requests WHERE created_at >= ? GROUP BY 1, 2");

    const figures = await median(5, () => insights.report(null, { days: 30, suggestions: false }));
    const ref = await median(5, async () => groupBy.all(NOW - SPAN));
    const list = await median(5, async () => {
      let cursor: string | undefined;
      do {
        const page = await s.listRequests({ order: 'newest', created_from: NOW - SPAN, limit: 1000, cursor });
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    });
    const t = performance.now();
    const suggested = await insights.suggestions(null);
    const suggest = performance.now() - t;

    console.log(`insights over ${ROWS.toLocaleString('en')} requests (SQLite, 30 days; median of 5)`);
    console.log(`  figures (scanHistory + aggregate)  ${figures.toFixed(0).padStart(6)} ms`);
    console.log(`  ref: one GROUP BY count query      ${ref.toFixed(0).padStart(6)} ms   figures/ref = ${(figures / ref).toFixed(1)}×`);
    console.log(`  ref: listRequests pages (decode)   ${list.toFixed(0).padStart(6)} ms   figures/list = ${(figures / list).toFixed(2)}×`);
    console.log(`  suggestions (once)                 ${suggest.toFixed(0).padStart(6)} ms   (${suggested.length} suggested)`);
    raw.close();
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
