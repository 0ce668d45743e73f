// The command hook: an agent host runs it once per tool call (`node …/command-hook.cjs claude-code`,
// what `greenlight install` writes; `greenlight hook <host>` runs the same code). It reads the
// host's payload on stdin, forwards it to POST /v1/hooks/<host> on GREENLIGHT_URL with
// GREENLIGHT_KEY, and prints the host's output. Any failure prints a deny (or "ask" with
// GREENLIGHT_ON_ERROR=ask) that says what to fix.
//
// For Claude Code it also checks an allow itself: the server sends the decision's signed receipt
// (?receipt=1, in a `greenlight` field it takes off before printing), and the action about to run
// — the host's tool input, or the approver's edit of it — must hash to what the receipt signed;
// otherwise it denies (ACTION_MISMATCH). docs/security.md says what that guards against.
//
// It runs on the agent's machine, so it also says which one (?hostname=, os.hostname()): what an
// approver's "only on this host" grant is compared with.
//
// It starts on every tool call, so it is CommonJS (no ES module loader to start) and loads only
// node:fs, node:net (node:tls for an https URL), node:os and import-free modules of its own: the
// request is one hand-written HTTP/1.1 POST (http-post.cts) rather than node:http, and a small
// action is hashed in JavaScript (core/sha256.cts) rather than by loading node:crypto. stdin is
// read in one synchronous call, the answer written in one, and the process exits right after.
// The build (scripts/bundle-hook.js) writes those modules into the emitted command-hook.cjs, so a
// tool call reads and compiles one file. bench/hook-startup.ts measures it next to `node -e 0`;
// docs/benchmarks.md has the figures.
import fs = require('node:fs');
import os = require('node:os');
import depth = require('../core/json-depth.cjs');
import fail = require('./fail-output.cjs');
import limits = require('./limits.cjs');
import canonical = require('../core/canonical.cjs');
import httpPost = require('./http-post.cjs');
import sha256 = require('../core/sha256.cjs');

const { jsonTooDeep, jsonTooDeepMessage } = depth;
const { failOutput, hookEventOf, onErrorMode } = fail;
const { clampWaitSec } = limits;

const HOOK_HOSTS = ['claude-code', 'codex', 'gemini', 'cursor'];

interface HookIo {
  env: Record<string, string | undefined>;
  /** The host's payload. */
  input: string;
  write(text: string): void;
}

/** `greenlight <args>` as the user can paste it; the lookup runs only on a failure path. */
async function cli(args: string): Promise<string> {
  const { cli: format } = (await import('../invocation.js')) as { cli: (a: string) => string };
  return format(args);
}

/**
 * This machine's hostname, when it has the form the gate accepts (src/core/request-input.ts
 * HOSTNAME_PATTERN); otherwise none is sent, and grants limited to a host do not apply here.
 */
function machineName(): string | null {
  try {
    const name = os.hostname();
    return /^[A-Za-z0-9._-]{1,253}$/.test(name) ? name : null;
  } catch {
    return null;
  }
}

async function runHook(host: string, io: HookIo): Promise<number> {
  io.write(await askGate(host, io.input, io.env));
  return 0;
}

/**
 * Forwards one hook payload (JSON text) to the gate and returns the host's output as JSON text —
 * on any failure, the host's deny (or "ask") that says what to fix. Never throws. The OpenCode
 * plugin calls it in-process.
 */
async function askGate(host: string, text: string, env: Record<string, string | undefined>): Promise<string> {
  const mode = onErrorMode(env);
  // A payload that is not JSON is refused by the server with a clear message.
  const event = hookEventOf(text);
  const fail = (message: string) => JSON.stringify(failOutput(host, event, message, mode));
  if (jsonTooDeep(text)) return fail(`refused the payload without asking the gate (JSON_TOO_DEEP): ${jsonTooDeepMessage('The hook payload')} Not approved.`);
  const base = env.GREENLIGHT_URL;
  const key = env.GREENLIGHT_KEY;
  if (!base) return fail('GREENLIGHT_URL is not set for this hook. Set it to the gate (e.g. http://127.0.0.1:8787) in the hook command or the environment; not approved.');
  if (!key) return fail(`GREENLIGHT_KEY is not set for this hook. Create an agent key (${await cli('keys create --role agent --name <agent>')}) and set GREENLIGHT_KEY; not approved.`);
  // A key is printable ASCII; anything else would be refused by the gate, and CR/LF would split the request.
  if (!/^[\x21-\x7e]+$/.test(key)) return fail('GREENLIGHT_KEY holds characters no key has (spaces, control characters or non-ASCII). Set it to the agent key exactly as it was printed; not approved.');
  const waitSec = clampWaitSec(host, env.GREENLIGHT_HOOK_WAIT_SEC ? Number(env.GREENLIGHT_HOOK_WAIT_SEC) : null);
  const machine = machineName();
  const checksReceipt = RECEIPT_HOSTS.includes(host);
  // The query as a string: URLSearchParams is more code to start for four fixed parameters.
  let query = `wait_sec=${waitSec}`;
  if (machine) query += `&hostname=${encodeURIComponent(machine)}`;
  if (checksReceipt) query += '&receipt=1';
  if (mode === 'ask') query += '&on_error=ask';
  let url: URL;
  try {
    url = new URL(`v1/hooks/${encodeURIComponent(host)}?${query}`, base.endsWith('/') ? base : `${base}/`);
  } catch {
    return fail(`GREENLIGHT_URL ${JSON.stringify(base)} is not a URL; not approved.`);
  }
  let res: { status: number; text: string };
  // The action as the host sent it, hashed once the request is on its way (not before: the request
  // leaves only when this code yields) and while the gate decides: what an allow without an edit
  // must match. undefined: not hashed yet.
  let sent: SentAction | null | undefined;
  const hashWhileWaiting = checksReceipt ? () => (sent = sentAction(text)) : undefined;
  try {
    res = await httpPost.postJson(url, text, { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, (waitSec + 8) * 1000, hashWhileWaiting);
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    return fail(`cannot reach the gate at ${url.origin} (${code}). Is "${await cli('serve')}" running, and is GREENLIGHT_URL right? Not approved.`);
  }
  if (res.status !== 200) {
    let message = res.text.slice(0, 300);
    try {
      message = JSON.parse(res.text).error?.message ?? message;
    } catch {
      // keep the raw text
    }
    return fail(`the gate at ${url.origin} answered ${res.status}: ${message} Not approved.`);
  }
  let output: unknown;
  try {
    output = JSON.parse(res.text);
  } catch {
    return fail(`the gate at ${url.origin} sent something that is not JSON; is GREENLIGHT_URL a Greenlight server? Not approved.`);
  }
  if (!checksReceipt) return res.text;
  const checked = checkAllow(sent === undefined ? sentAction(text) : sent, output);
  return typeof checked === 'string' ? JSON.stringify(failOutput(host, event, checked, 'deny')) : JSON.stringify(checked.output);
}

/** Hosts whose hook payload is the action as the gate files it (tool_name, tool_input, cwd). */
const RECEIPT_HOSTS = ['claude-code'];

type Json = Record<string, any>;

/** The host's payload and the hash of the action in it, as the receipt's action_sha256 binds it. */
interface SentAction {
  payload: Json;
  cwd: string | null;
  hash: string;
}

/** The payload's action and its hash; null when the payload is not a JSON object (the gate refuses it). */
function sentAction(payloadText: string): SentAction | null {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const p = payload as Json;
  const input = p.tool_input === undefined || p.tool_input === null ? {} : p.tool_input;
  const cwd = typeof p.cwd === 'string' && p.cwd !== '' ? p.cwd : null;
  return { payload: p, cwd, hash: actionHash(canonical.canonicalAction(p.tool_name, input, cwd)) };
}

/**
 * Takes the `greenlight` field off the gate's output and, when the output allows the call, checks
 * that the action it allows hashes to the receipt's action hash (the edited one when the output
 * carries an updatedInput). A string is why not: the caller denies with it.
 */
function checkAllow(sent: SentAction | null, output: unknown): { output: unknown } | string {
  if (!output || typeof output !== 'object' || Array.isArray(output)) return { output };
  const { greenlight: extension, ...rest } = output as Json;
  const hso = rest.hookSpecificOutput as Json | undefined;
  let updated: unknown;
  if (hso?.hookEventName === 'PreToolUse' && hso.permissionDecision === 'allow') updated = hso.updatedInput;
  else if (hso?.hookEventName === 'PermissionRequest' && hso.decision?.behavior === 'allow') updated = hso.decision.updatedInput;
  else return { output: rest };
  if (!sent) return 'the gate allowed a call whose payload is not a JSON object, so the hook cannot check it (ACTION_MISMATCH). Not approved.';
  // AskUserQuestion's allow carries the user's answers, not an approved action.
  if (sent.payload.tool_name === 'AskUserQuestion') return { output: rest };
  const receipt = (extension as Json | undefined)?.receipt as Json | null | undefined;
  if (!receipt || typeof receipt.action_sha256 !== 'string') return 'the gate allowed this call but sent no signed receipt for it, so the hook cannot check that this is the action approved (ACTION_MISMATCH). Not approved: is the gate a Greenlight server of this version?';
  const edited = updated !== undefined && updated !== null;
  const expected = edited ? receipt.edited_action_sha256 : receipt.action_sha256;
  const actual = edited ? actionHash(canonical.canonicalAction(sent.payload.tool_name, updated, sent.cwd)) : sent.hash;
  if (actual === expected) return { output: rest };
  const id = (extension as Json).request_id;
  return `the action about to run (sha256 ${actual.slice(0, 16)}…) is not the one approved in request ${String(id)} (receipt ${edited ? 'edited_action_sha256' : 'action_sha256'} ${String(expected).slice(0, 16)}…): it changed after the approver saw it (ACTION_MISMATCH). Not approved; ask again.`;
}

/**
 * Up to this many UTF-16 units, the canonical action is hashed in JavaScript: cheaper than loading
 * node:crypto in a fresh process (about 1 ms against 4–5 at 1 KB); longer ones (a Write of a large
 * file), where the interpreted loop would cost more, by node:crypto. Both give the same digest.
 */
const JS_HASH_MAX = 2048;

function actionHash(action: string): string {
  if (action.length <= JS_HASH_MAX) return sha256.sha256Hex(action);
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(action, 'utf8').digest('hex');
}

/** All of stdin: one synchronous read; a non-blocking stdin (EAGAIN) is read as a stream. */
async function readStdin(): Promise<string> {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code !== 'EAGAIN') throw err;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** `<host>` from the command line → exit code (2: no such host). */
async function runHookMain(host: string | undefined): Promise<number> {
  if (!host || !HOOK_HOSTS.includes(host)) {
    process.stderr.write(`greenlight hook: ${host ? `unknown host "${host}"` : 'name a host'}. Hosts: ${HOOK_HOSTS.join(', ')}.\n`);
    return 2;
  }
  return runHook(host, { env: process.env, input: await readStdin(), write: writeStdout });
}

/**
 * All of `text` to stdout in synchronous writes, so the process can exit as soon as it returns
 * (and process.stdout, a stream over the pipe, is never set up). A non-blocking pipe that is full
 * (EAGAIN) is waited on, 1 ms at a time, until the host reads it.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) {
    try {
      at += fs.writeSync(1, bytes, at);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

export = { HOOK_HOSTS, askGate, runHook, runHookMain };

if (require.main === module) {
  // Exits as soon as the answer is written: nothing else is left to do, and waiting for the
  // event loop to drain (the closed connection, Node's own teardown) only adds to every tool call.
  runHookMain(process.argv[2]).then((code) => process.exit(code));
}
