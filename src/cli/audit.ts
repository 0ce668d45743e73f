// `greenlight audit verify|tail|export`: checks the hash chain of the audit log (in the store, or an
// export file offline), shows recent rows, and exports the log as JSON Lines.
import { createChainVerifier, type AuditVerifyResult } from '../core/audit-chain.js';
import { describeStore } from '../store/open.js';
import { AUDIT_HEAD_META_KEY, parseAuditHead, type AuditHead } from '../store/adapter-kit.js';
import type { AuditEntry, Store } from '../store/store.js';
import type { Command } from './commands.js';
import { optionsHelp, runSubcommand, table, usageErrorFor, withStore, type Subcommand } from './store-commands.js';
import { cli } from '../invocation.js';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { auditLines, checkExportLines, fileLines } from '../audit/export.js';
import { timeBound } from '../audit/routes.js';
import { isGreenlightError } from '../core/errors.js';

const PAGE = 1000;

const USAGE = `Usage:
  ${cli('audit verify')}          check that no audit row was edited, deleted or cut off
  ${cli('audit verify')} --file EXPORT.jsonl
                             check an export offline (no database needed)
  ${cli('audit tail')} [-n 20]    print the most recent rows, oldest first
  ${cli('audit export')} [--since T] [--until T] [--out FILE]
                             write the log (or the rows in [since, until)) as JSON Lines

Exit codes: 0 done (verify: the chain is intact), 1 failed (verify: the chain is broken),
2 usage or config error.
`;

const help = () =>
  `${USAGE}\nOptions:\n${optionsHelp([
    ['-n, --lines N', 'rows to show (tail; default 20)'],
    ['--json', 'one JSON object per row (tail)'],
    ['--file FILE', 'verify: an export to check instead of the database'],
    ['--since T, --until T', 'export: ISO-8601 time or epoch ms (rows at or after since, before until)'],
    ['--out FILE', 'export: write here instead of stdout (created, never overwritten)'],
  ])}\n`;

export const auditCommand: Command = {
  summary: 'verify the audit hash chain (or an export), tail or export the audit log (verify | tail | export)',
  run: (args) =>
    runSubcommand(
      {
        command: 'audit',
        usage: USAGE,
        help,
        options: { lines: { type: 'string', short: 'n' }, json: { type: 'boolean' }, file: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, out: { type: 'string' } },
        accepts: { verify: ['file'], tail: ['lines', 'json'], export: ['since', 'until', 'out'] },
        subcommands: SUBCOMMANDS,
      },
      args,
    ),
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  async verify({ values }, { config }) {
    if (values.file !== undefined) return verifyFile(values.file as string);
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

  async export({ values }, { config }) {
    let range: { since: number | null; until: number | null };
    try {
      range = { since: timeBound(values.since as string | undefined, '--since'), until: timeBound(values.until as string | undefined, '--until') };
    } catch (err) {
      if (isGreenlightError(err)) return usageError('export', err.message.replace(/\.$/, ''));
      throw err;
    }
    if (range.since !== null && range.until !== null && range.until <= range.since) return usageError('export', '--until must be after --since');
    const out = values.out as string | undefined;
    return withStore(
      'export',
      config,
      async (store) => {
        let sink: NodeJS.WritableStream = process.stdout;
        if (out !== undefined) {
          const file = createWriteStream(out, { flags: 'wx', mode: 0o600 });
          try {
            await once(file, 'open');
          } catch (err) {
            process.stderr.write(`greenlight audit export: cannot create ${out}: ${(err as Error).message}${(err as NodeJS.ErrnoException).code === 'EEXIST' ? ' (it exists; an export never overwrites a file)' : ''}.\n`);
            return 1;
          }
          sink = file;
        }
        let rows = 0;
        for await (const line of auditLines(store, range)) {
          if (!sink.write(line)) await once(sink, 'drain');
          rows++;
        }
        if (out !== undefined) {
          await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
          process.stderr.write(`audit export: ${rows} ${rows === 1 ? 'row' : 'rows'} written to ${out}; check it with ${cli(`audit verify --file ${out}`)}\n`);
        }
        return 0;
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

/** `audit verify --file`: checks an export offline; names the first bad line. */
async function verifyFile(path: string): Promise<number> {
  let result;
  try {
    result = await checkExportLines(fileLines(path));
  } catch (err) {
    process.stderr.write(`greenlight audit verify: cannot read ${path}: ${(err as Error).message}\n`);
    return 2;
  }
  if (result.ok) {
    const { first, last } = result;
    const from = first!.seq === 1 ? 'from the first row of the log' : `from row ${first!.seq}, whose predecessor (row ${first!.seq - 1}, not in the file) has hash ${first!.prev_hash}`;
    process.stdout.write(`audit export OK: ${result.rows} ${result.rows === 1 ? 'row' : 'rows'} ${from}, to row ${last!.seq} (hash ${last!.hash}).\nCompare that last hash with the server's (${cli('audit verify')} there) to be sure no rows were cut from the end.\n`);
    return 0;
  }
  process.stderr.write(`audit export FAILED: ${result.problem}.\n${result.rows > 0 ? `The ${result.rows} ${result.rows === 1 ? 'row' : 'rows'} before it check out.\n` : ''}`);
  return 1;
}

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

/** Control and bidi characters escaped (\uXXXX): names and details come from agents. */
// eslint-disable-next-line no-control-regex
export const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const usageError = usageErrorFor('audit', USAGE);
