// The OpenAPI document is sound OpenAPI 3.1, documents exactly the routes the app registers, and
// derives its request bodies from the zod schemas that validate them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { CreateRequestSchema, DecideSchema } from '../../src/core/request-input.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { DOC_ROUTES, buildApp, registeredRoutes } from './fixture.js';
import { HTTP_METHODS, checkOpenApi31, deref, resolveRef, validateJson } from './openapi-check.js';

const spec: any = buildOpenApiSpec('1.2.3');

function documentedRoutes(): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries<any>(spec.paths)) for (const m of HTTP_METHODS) if (item[m]) out.add(`${m.toUpperCase()} ${path}`);
  return out;
}

function operations(): { key: string; op: any }[] {
  const out: { key: string; op: any }[] = [];
  for (const [path, item] of Object.entries<any>(spec.paths)) for (const m of HTTP_METHODS) if (item[m]) out.push({ key: `${m.toUpperCase()} ${path}`, op: item[m] });
  return out;
}

describe('the OpenAPI document', () => {
  it('is structurally valid OpenAPI 3.1: every operation has responses, every $ref resolves, operationIds are unique', () => {
    assert.deepEqual(checkOpenApi31(spec), []);
    assert.equal(spec.info.version, '1.2.3');
  });

  it('the checker catches what it claims to (a broken $ref, a duplicate operationId, a missing responses, 3.0)', () => {
    const broken = structuredClone(spec);
    broken.openapi = '3.0.3';
    broken.paths['/v1/me'].get.responses = {};
    broken.paths['/v1/me'].get.operationId = 'getRequest';
    broken.paths['/healthz'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
    const problems = checkOpenApi31(broken).join('\n');
    assert.match(problems, /openapi must be 3\.1/);
    assert.match(problems, /GET \/v1\/me: no responses/);
    assert.match(problems, /operationId getRequest also used/);
    assert.match(problems, /Nope does not resolve/);
  });

  it('documents every route the app registers, and no route the app does not have', () => {
    const registered = registeredRoutes(buildApp());
    const documented = documentedRoutes();
    const undocumented = [...registered].filter((r) => !documented.has(r) && !DOC_ROUTES.has(r));
    const phantom = [...documented].filter((r) => !registered.has(r) && !DOC_ROUTES.has(r));
    assert.deepEqual(undocumented, [], 'routes missing from the OpenAPI document (add them under src/http/openapi/)');
    assert.deepEqual(phantom, [], 'documented routes the app does not register');
    assert.ok(registered.size >= 14, `expected the native API at least, got ${[...registered].join(', ')}`);
  });

  it('says who may call each operation, in the description and in x-greenlight-roles, with matching security', () => {
    for (const { key, op } of operations()) {
      const roles: string[] = op['x-greenlight-roles'];
      assert.ok(Array.isArray(roles), key);
      for (const r of roles) assert.ok(['agent', 'approver', 'admin'].includes(r), `${key}: unknown role ${r}`);
      if (roles.length === 0) {
        assert.deepEqual(op.security, [], `${key}: a public operation must say security: []`);
        assert.match(op.description, /No key needed/, key);
      } else {
        assert.ok(op.security.length > 0, `${key}: needs a security requirement`);
        assert.ok(op.description.includes(`Roles: ${roles.join(', ')}.`), `${key}: the description must list the roles`);
      }
    }
  });

  it('gives every authenticated operation 401 and 429, every role-limited one 403, and every body 400 and 413', () => {
    // A session is not a stored resource: ending one the server never saw revokes nothing (200).
    const noSuchThing = new Set(['POST /v1/sessions/{id}/end']);
    for (const { key, op } of operations()) {
      const roles: string[] = op['x-greenlight-roles'];
      const statuses = Object.keys(op.responses);
      if (roles.length > 0) for (const s of ['401', '429']) assert.ok(statuses.includes(s), `${key} lacks ${s}`);
      if (roles.length > 0 && roles.length < 3) assert.ok(statuses.includes('403'), `${key} lacks 403`);
      if (op.requestBody) for (const s of ['400', '413']) assert.ok(statuses.includes(s), `${key} lacks ${s}`);
      if (key.includes('{id}') && !noSuchThing.has(key)) assert.ok(statuses.includes('404'), `${key} lacks 404`);
    }
  });

  it('documents the decision race (409) on decide and cancel', () => {
    assert.ok(spec.paths['/v1/requests/{id}/decision'].post.responses['409']);
    assert.ok(spec.paths['/v1/requests/{id}/cancel'].post.responses['409']);
  });

  it('gives bounds to every integer query parameter', () => {
    for (const { key, op } of operations()) {
      for (const p of (op.parameters ?? []).map((x: any) => deref(spec, x))) {
        if (p.schema?.type === 'integer') assert.ok(p.schema.minimum !== undefined, `${key} ${p.name} needs a minimum`);
        if (p.schema?.type === 'integer' && p.name === 'limit') assert.ok(p.schema.maximum !== undefined, `${key} limit needs a maximum`);
      }
    }
  });

  it('offers bearer and X-API-Key authentication', () => {
    assert.deepEqual(spec.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: spec.components.securitySchemes.bearerAuth.description });
    assert.equal(spec.components.securitySchemes.apiKeyAuth.in, 'header');
    assert.equal(spec.components.securitySchemes.apiKeyAuth.name, 'X-API-Key');
  });

  it('lists every error code of the catalogue in the Error schema', () => {
    assert.deepEqual(spec.components.schemas.Error.properties.error.properties.code.enum, Object.keys(ERROR_CODES));
  });
});

describe('request bodies come from the zod schemas', () => {
  const bodyOf = (path: string) => resolveRef(spec, spec.paths[path].post.requestBody.content['application/json'].schema.$ref);

  it('has the same fields and required fields as CreateRequestSchema and DecideSchema', () => {
    for (const [path, schema] of [['/v1/requests', CreateRequestSchema], ['/v1/requests/{id}/decision', DecideSchema]] as const) {
      const generated: any = z.toJSONSchema(schema, { io: 'input' });
      const documented = bodyOf(path);
      assert.deepEqual(Object.keys(documented.properties), Object.keys(generated.properties), path);
      assert.deepEqual(documented.required, generated.required, path);
      assert.equal(documented.additionalProperties, false, `${path}: unknown fields are refused, so the docs must say so`);
      for (const [name, prop] of Object.entries<any>(documented.properties)) {
        assert.ok(prop.description, `${path} ${name}: every body field needs a description (z.unknown() fields included)`);
      }
    }
  });

  it('keeps the zod bounds (a limit changed in validation changes the docs)', () => {
    const create = bodyOf('/v1/requests');
    assert.equal(create.properties.title.maxLength, CreateRequestSchema.shape.title.maxLength);
    assert.equal(create.properties.tags.maxItems, 50);
    assert.deepEqual(create.properties.priority.enum, ['low', 'normal', 'high', 'critical']);
    assert.equal(create.properties.priority.default, 'normal');
    assert.ok(!create.$schema, 'no nested $schema');
  });

  it('has examples that the validation accepts and the documented schema accepts', () => {
    const cases = [
      ['/v1/requests', CreateRequestSchema],
      ['/v1/requests/{id}/decision', DecideSchema],
    ] as const;
    for (const [path, zodSchema] of cases) {
      const media = spec.paths[path].post.requestBody.content['application/json'];
      assert.ok(media.example, `${path} has an example`);
      assert.equal(zodSchema.safeParse(media.example).success, true, `${path}: the example must pass validation`);
      assert.deepEqual(validateJson(spec, media.schema, media.example), [], path);
    }
  });

  it('refuses what validation refuses, for a few telling cases', () => {
    const create = { $ref: '#/components/schemas/CreateRequest' };
    for (const bad of [{}, { title: '' }, { title: 'x', priority: 'urgent' }, { title: 'x', surprise: 1 }, { title: 'x', tags: [''] }]) {
      assert.equal(CreateRequestSchema.safeParse(bad).success, false);
      assert.notDeepEqual(validateJson(spec, create, bad), [], JSON.stringify(bad));
    }
  });
});
