// The one parser for JSON that comes from outside: HTTP bodies (native, compat, hooks, MCP,
// channel webhooks, the dashboard), hook payloads on stdin and MCP messages on stdio.
// JSON.parse copes with deep nesting, but JSON.stringify, zod and every renderer recurse: an
// `input` nested a few thousand levels deep would overflow the stack far from where it came in
// (a 500, or a crashed command). One scan of the text before parsing refuses it with a 400 that
// names the limit. The scan is linear, allocates nothing, and jumps over strings with indexOf, so
// it costs less than the JSON.parse after it (bench/json-parse.ts).
import { GreenlightError } from './errors.js';
import { MAX_JSON_DEPTH, jsonTooDeep, jsonTooDeepMessage } from './json-depth.cjs';

export { MAX_JSON_DEPTH, jsonTooDeep } from './json-depth.cjs';

/** The 400 for JSON nested deeper than the limit; `what` names the body ("The request body"). */
export function jsonTooDeepError(what: string): GreenlightError {
  return new GreenlightError('JSON_TOO_DEEP', jsonTooDeepMessage(what), { details: { max_depth: MAX_JSON_DEPTH } });
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
