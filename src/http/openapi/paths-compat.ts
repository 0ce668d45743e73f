// The compat dialects (src/http/compat/): ok2run and Chock, documented beside the native API.
import { COMPAT_SCHEMAS } from './compat-components.js';
import { chockPaths } from './paths-chock.js';
import { ok2runPaths } from './paths-ok2run.js';

type Json = Record<string, unknown>;

export { COMPAT_SCHEMAS };

export const COMPAT_TAGS: Json[] = [
  { name: 'compat-ok2run', description: 'ok2run\'s API, for its existing clients (hook script, MCP tools), under Greenlight\'s auth rules. Errors add FastAPI\'s `detail` to the native envelope.' },
  { name: 'compat-chock', description: 'Chock\'s API, for its existing clients, under Greenlight\'s auth rules (respond needs an approver key; reads need a key). Errors add FastAPI\'s `detail` to the native envelope.' },
];

export function compatPaths(): Record<string, Json> {
  return { ...ok2runPaths(), ...chockPaths() };
}
