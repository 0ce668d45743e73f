// `greenlight audit verify|tail`: checks the hash chain of the audit log, and shows recent rows.
import { createChainVerifier, type AuditVerifyResult } from '../core/audit-chain.js';
import { describeStore } from '../store/open.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead, type AuditHead } from '../store/adapter-kit.js';
import type { AuditEntry, Store } from '../store/store.js';
import type { Command } from './commands.js';
import { optionsHelp, runSubcommand, table, usageErrorFor, withStore, type Subcommand } from './store-commands.js';
import { cli } from '../invocation.js';

const PAGE = 1000;

const USAGE = `Usage:
  ${cli('audit verify')}          check that no audit row was edited, deleted or cut off
  ${cli('audit tail')} [-n 20]    print the most recent rows, oldest first

Exit codes: 0 done (verify: the chain is intact), 1 failed (verify: the chain is broken),
2 usage or config error.
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['-n, --lines N', 'rows to show (tail; default 20)'],
    ['--json', 'one JSON object per row (tail)'],
  ])}\n`;

export const auditCommand: Command = {
  summary: 'verify the audit hash chain, or tail the audit log (verify | tail)',
  run: (args) => runSubcommand({ command: 'audit', usage: USAGE, help, options: { lines: { type: 'string', short: 'n' }, json: { type: 'boolean' } }, subcommands: SUBCOMMANDS }, args),
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  async verify(_parsed, { config }) {
    const path = describeStore(config);
    return withStore(
      'verify',
      config,
      async (store) => {
        const outcome = await verifyStore(store);
        if (outcome.result.ok) {
          const rows = outcome.result.checked;
          process.stdout.write(rows === 0 ? `audit log OK: 0 rows (${path} has no audit entries yet)\n` : `audit log OK: ${rows} ${rows === 1 ? 'row' : 'rows'}, head ${outcome.head?.hash.slice(0, 16)}\n`);
          return 0;
        }
        const { problem, checked } = outcome.result;
        process.stderr.write(
          `audit log FAILED: ${problem}.\n` +
            (checked > 0 ? `Rows 1 to ${checked} check out.\n` : '') +
            `The log in ${path} was changed outside Greenlight. Keep a copy of the file as evidence, compare it with a backup, and find out who had write access to it.\n`,
        );
        return 1;
      },
      { command: 'audit', mustExist: true },
    );
  },

  async tail({ values }, { config }) {
    const raw = (values.lines as string | undefined) ?? '20';
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > 100_000) return usageError('tail', `-n must be a whole number from 1 to 100000, got ${JSON.stringify(raw)}`);
    return withStore(
      'tail',
      config,
      async (store) => {
        const rows = (await store.listAudit({ order: 'desc', limit: n })).reverse();
        if (values.json) {
          for (const r of rows) process.stdout.write(`${JSON.stringify({ ...r, at: new Date(r.at).toISOString() })}\n`);
          return 0;
        }
        if (rows.length === 0) {
          process.stdout.write(`The audit log in ${describeStore(config)} is empty.\n`);
          return 0;
        }
        process.stdout.write(table(['SEQ', 'AT', 'WHO', 'ACTION', 'VIA', 'REQUEST', 'DETAIL'], rows.map(readable)));
        return 0;
      },
      { command: 'audit', mustExist: true },
    );
  },
};

export interface StoreVerifyOutcome {
  result: AuditVerifyResult;
  head: AuditHead | null;
}

/**
 * Reads the whole log in pages and checks it, with the recorded head, with verifyAuditChain.
 * Safe while the server appends: the head is read after the rows (the store writes both in one
 * transaction), and rows appended in between are read up to that head.
 */
export async function verifyStore(store: Store): Promise<StoreVerifyOutcome> {
  const verifier = createChainVerifier();
  const intact = await feedAudit(store, verifier, 0);
  const rawHead = await store.getMeta(AUDIT_HEAD_META_KEY);
  let head: AuditHead | null;
  try {
    head = parseAuditHead(rawHead);
    if (head && (!Number.isInteger(head.seq) || typeof head.hash !== 'string')) throw new Error('wrong shape');
  } catch {
    return broken(`the recorded head (meta ${AUDIT_HEAD_META_KEY}) is not valid: ${JSON.stringify(String(rawHead).slice(0, 80))}`);
  }
  if (!intact) return { result: verifier.finish(head), head };
  const last = verifier.last;
  if (!head) {
    if (last === 0) return { result: verifier.finish(null), head: null };
    return broken(`the log has ${last} rows but no recorded head (meta ${AUDIT_HEAD_META_KEY}): it was deleted, so rows cut from the end would go unnoticed`);
  }
  if (head.seq > last) await feedAudit(store, verifier, last, head.seq);
  else if (head.seq < last) {
    return broken(`rows ${head.seq + 1} to ${last} come after the recorded head (row ${head.seq}): they were added outside Greenlight`);
  }
  return { result: verifier.finish(head), head };
}

/** Feeds rows with seq > after (and ≤ upTo) to the verifier, PAGE rows at a time; false once broken. */
async function feedAudit(store: Store, verifier: ReturnType<typeof createChainVerifier>, after: number, upTo?: number): Promise<boolean> {
  for (;;) {
    const page = await store.listAudit({ after_seq: after, before_seq: upTo === undefined ? undefined : upTo + 1, order: 'asc', limit: PAGE });
    for (const e of page) if (!verifier.push(e)) return false;
    if (page.length < PAGE) return true;
    after = page[page.length - 1].seq;
  }
}

function broken(problem: string): StoreVerifyOutcome {
  return { result: { ok: false, checked: 0, problem, bad_seq: null }, head: null };
}

/** One row as text cells; control and bidi characters escaped, since names and details come from agents. */
function readable(e: AuditEntry): string[] {
  const detail = e.detail === null ? '-' : JSON.stringify(e.detail);
  return [String(e.seq), new Date(e.at).toISOString(), `${e.actor_kind}:${e.actor_name}`, e.action, e.via ?? '-', e.request_id ?? '-', detail.length > 200 ? `${detail.slice(0, 199)}…` : detail].map(clean);
}

// eslint-disable-next-line no-control-regex
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const usageError = usageErrorFor('audit', USAGE);
