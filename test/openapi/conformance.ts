// Asserts that a real reply is what the document promises for its operation.
import assert from 'node:assert/strict';
import type { Reply } from './fixture.js';
import { deref, validateJson } from './openapi-check.js';

/**
 * A checker bound to `spec`: the reply's status must be documented for `METHOD template`, and its
 * JSON body must validate against the documented schema with no undocumented properties.
 */
export function conformsTo(spec: any) {
  return (method: string, template: string, reply: Reply): void => {
    const op = spec.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is documented`);
    const documented = op.responses[String(reply.status)];
    assert.ok(documented, `${method} ${template} answered ${reply.status}, which it does not document (body: ${reply.text.slice(0, 200)})`);
    const response = deref(spec, documented);
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return;
    const errors = validateJson(spec, schema, reply.body, { closed: true });
    assert.deepEqual(errors, [], `${method} ${template} ${reply.status} body does not match the document: ${reply.text.slice(0, 300)}`);
  };
}
