// The command hook: an agent host runs it once per tool call (`node …/command-hook.cjs claude-code`,
// what `greenlight install` writes; `greenlight hook <host>` runs the same code). It reads the
// host's payload on stdin, forwards it to POST /v1/hooks/<host> on GREENLIGHT_URL with
// GREENLIGHT_KEY, and prints the host's output. Any failure prints a deny (or "ask" with
// GREENLIGHT_ON_ERROR=ask) that says what to fix.
//
// It starts on every tool call, so it is CommonJS (no ES module loader to start) and loads only
// node:fs, node:http (node:https for an https URL) and two import-free modules of its own; stdin
// is read in one synchronous call. bench/compare-ok2run.ts measures it next to `node -e 0`.
import fs = require('node:fs');
import http = require('node:http');
import depth = require('../core/json-depth.cjs');
import fail = require('./fail-output.cjs');
import limits = require('./limits.cjs');

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

function post(url: URL, body: string, key: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const { request } = (url.protocol === 'https:' ? require('node:https') : http) as typeof http;
    const req = request(url, { method: 'POST', agent: false, headers: { connection: 'close', authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
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
  const waitSec = clampWaitSec(host, env.GREENLIGHT_HOOK_WAIT_SEC ? Number(env.GREENLIGHT_HOOK_WAIT_SEC) : null);
  let url: URL;
  try {
    url = new URL(`v1/hooks/${encodeURIComponent(host)}`, base.endsWith('/') ? base : `${base}/`);
  } catch {
    return fail(`GREENLIGHT_URL ${JSON.stringify(base)} is not a URL; not approved.`);
  }
  url.searchParams.set('wait_sec', String(waitSec));
  if (mode === 'ask') url.searchParams.set('on_error', 'ask');
  let res: { status: number; text: string };
  try {
    res = await post(url, text, key, (waitSec + 8) * 1000);
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
  try {
    JSON.parse(res.text);
  } catch {
    return fail(`the gate at ${url.origin} sent something that is not JSON; is GREENLIGHT_URL a Greenlight server? Not approved.`);
  }
  return res.text;
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
  return runHook(host, { env: process.env, input: await readStdin(), write: (t) => process.stdout.write(t) });
}

export = { HOOK_HOSTS, askGate, runHook, runHookMain };

if (require.main === module) {
  runHookMain(process.argv[2]).then((code) => {
    process.exitCode = code;
  });
}
