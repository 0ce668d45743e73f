// `greenlight hook <host>`: the command hook. Reads the host's payload on stdin, forwards it to
// POST /v1/hooks/<host> on GREENLIGHT_URL with GREENLIGHT_KEY, prints the host's output. Loads no
// config and nothing but node:http(s): it runs once per tool call and must start fast. Any
// failure prints a deny (or "ask" with GREENLIGHT_ON_ERROR=ask) that says what to fix.
import { jsonTooDeep, jsonTooDeepError } from '../core/bounded-json.js';
import { cli } from '../invocation.js';
import { failOutput, hookEventOf, onErrorMode } from './fail-output.js';
import { clampWaitSec } from './limits.js';

export interface HookIo {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream;
  write(text: string): void;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function post(url: URL, body: string, key: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const load = url.protocol === 'https:' ? import('node:https') : import('node:http');
    load.then(({ request }) => {
      const req = request(url, { method: 'POST', agent: false, headers: { connection: 'close', authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    }, reject);
  });
}

export async function runHook(host: string, io: HookIo): Promise<number> {
  io.write(await askGate(host, await readAll(io.stdin), io.env));
  return 0;
}

/**
 * Forwards one hook payload (JSON text) to the gate and returns the host's output as JSON text —
 * on any failure, the host's deny (or "ask") that says what to fix. Never throws.
 */
export async function askGate(host: string, text: string, env: Record<string, string | undefined>): Promise<string> {
  const mode = onErrorMode(env);
  // A payload that is not JSON is refused by the server with a clear message.
  const event = hookEventOf(text);
  const fail = (message: string) => JSON.stringify(failOutput(host, event, message, mode));
  if (jsonTooDeep(text)) return fail(`refused the payload without asking the gate (JSON_TOO_DEEP): ${jsonTooDeepError('The hook payload').message} Not approved.`);
  const base = env.GREENLIGHT_URL;
  const key = env.GREENLIGHT_KEY;
  if (!base) return fail('GREENLIGHT_URL is not set for this hook. Set it to the gate (e.g. http://127.0.0.1:8787) in the hook command or the environment; not approved.');
  if (!key) return fail(`GREENLIGHT_KEY is not set for this hook. Create an agent key (${cli('keys create --role agent --name <agent>')}) and set GREENLIGHT_KEY; not approved.`);
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
    return fail(`cannot reach the gate at ${url.origin} (${code}). Is "${cli('serve')}" running, and is GREENLIGHT_URL right? Not approved.`);
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
