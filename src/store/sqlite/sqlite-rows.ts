// The SQLite store's fixed SQL for request rows (named parameters); the row mapping itself is
// shared with the Postgres store (../rows.ts).
import { REQUEST_COLUMNS, REQUEST_READ_COLUMNS } from '../rows.js';

export * from '../rows.js';

/** Named-parameter insert of one request row (see `requestToRow`). */
export const INSERT_REQUEST_SQL = `INSERT INTO requests (${REQUEST_COLUMNS.join(', ')}) VALUES (${REQUEST_COLUMNS.map((c) => `@${c}`).join(', ')})`;

/** Parameters: tag, created_at, request_id. */
export const INSERT_TAG_SQL = 'INSERT OR IGNORE INTO request_tags (tag, created_at, request_id) VALUES (?, ?, ?)';

/** The columns a request is read back from (everything but the search helpers). */
export const REQUEST_SELECT = REQUEST_READ_COLUMNS.map((c) => `r.${c}`).join(', ');
