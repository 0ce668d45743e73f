// The one parser for JSON that comes from outside: HTTP bodies (native, compat, hooks, MCP,
// channel webhooks, the dashboard), hook payloads on stdin and MCP messages on stdio.
// JSON.parse copes with deep nesting, but JSON.stringify, zod and every renderer recurse: an
// `input` nested a few thousand levels deep would overflow the stack far from where it came in
// (a 500, or a crashed command). One scan of the text before parsing refuses it with a 400 that
// names the limit. The scan is linear, allocates nothing, and jumps over strings with indexOf, so
// it costs less than the JSON.parse after it (bench/json-parse.ts).
import { GreenlightError } from './errors.js';

/** The deepest nesting of objects and arrays accepted anywhere (a body `{"input":{...}}` is 2 deep). */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests objects/arrays deeper than `limit` (brackets inside strings do not count). */
export function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      // A string: jump to its closing quote, the first one not escaped by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i === -1) return false; // unterminated: JSON.parse says so
        let k = i - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        if ((i - 1 - k) % 2 === 0) break;
      }
    } else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > limit) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/** The 400 for JSON nested deeper than the limit; `what` names the body ("The request body"). */
export function jsonTooDeepError(what: string): GreenlightError {
  return new GreenlightError(
    'JSON_TOO_DEEP',
    `${what} nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH} (MAX_JSON_DEPTH). Flatten it, or send the deep part as a string.`,
    { details: { max_depth: MAX_JSON_DEPTH } },
  );
}

/** Parses JSON from outside: JSON_TOO_DEEP past the depth limit, INVALID_JSON if it does not parse. */
export function parseJson(text: string, what = 'The request body'): unknown {
  if (jsonTooDeep(text)) throw jsonTooDeepError(what);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GreenlightError('INVALID_JSON', `${what} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
