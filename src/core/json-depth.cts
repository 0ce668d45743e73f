// The JSON nesting bound (see bounded-json.ts), free of imports and in CommonJS so the command
// hook (src/hooks/command-hook.cts), which starts once per tool call, can load it cheaply.

/** The deepest nesting of objects and arrays accepted anywhere (a body `{"input":{...}}` is 2 deep). */
const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests objects/arrays deeper than `limit` (brackets inside strings do not count). */
function jsonTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
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

/** What is wrong with JSON nested too deep; `what` names it ("The request body"). */
function jsonTooDeepMessage(what: string): string {
  return `${what} nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH} (MAX_JSON_DEPTH). Flatten it, or send the deep part as a string.`;
}

export = { MAX_JSON_DEPTH, jsonTooDeep, jsonTooDeepMessage };
