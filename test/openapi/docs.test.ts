// /openapi.json and the /docs page: cacheable JSON, a strict CSP with no inline script, and a
// script that renders every operation grouped by tag, as text, with a working search box.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { DOCS_CSP, DOCS_HTML } from '../../src/http/openapi/docs-page.js';
import { buildOpenApiSpec } from '../../src/http/openapi/spec.js';
import { FakeDocument, type FakeElement } from './fake-dom.js';
import { openapiRoutes } from '../../src/http/openapi/routes.js';
import { DOC_ROUTES, TEST_VERSION, buildAppWithDocs, call, registeredRoutes } from './fixture.js';
import { HTTP_METHODS } from './openapi-check.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

describe('GET /openapi.json', () => {
  const app = buildAppWithDocs();

  it('openapiRoutes registers exactly the docs routes the parity test leaves out', () => {
    assert.deepEqual([...registeredRoutes(openapiRoutes(TEST_VERSION))].sort(), [...DOC_ROUTES].sort());
  });

  it('serves the document as cacheable JSON, the same object buildOpenApiSpec builds', async () => {
    const res = await call(app, null, 'GET', '/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
    assert.deepEqual(res.body, JSON.parse(JSON.stringify(buildOpenApiSpec(TEST_VERSION))));
    const etag = res.headers.get('etag');
    assert.ok(etag);
    const again = await call(app, null, 'GET', '/openapi.json', undefined, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
  });
});

describe('GET /docs', () => {
  const app = buildAppWithDocs();

  it('serves HTML with the strict CSP and no inline script or style', async () => {
    const res = await call(app, null, 'GET', '/docs');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('content-security-policy'), CSP);
    assert.equal(DOCS_CSP, CSP);
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length >= 1, 'the page loads its script');
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, /\bsrc="\/docs\/app\.js"/);
      assert.equal(body.trim(), '', 'no inline script content');
    }
    assert.doesNotMatch(res.text, /<style\b|\sstyle=|\son[a-z]+=|javascript:/i, 'no inline style, handler attribute or javascript: URL');
    assert.doesNotMatch(res.text, /https?:\/\//, 'nothing from the network: the page works offline');
    assert.match(res.text, /<link rel="stylesheet" href="\/docs\/app\.css">/);
  });

  it('serves /docs/app.js with a JavaScript content type, parseable, using no HTML sinks', async () => {
    const res = await call(app, null, 'GET', '/docs/app.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.doesNotThrow(() => new vm.Script(res.text, { filename: 'app.js' }));
    assert.doesNotMatch(res.text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    assert.doesNotMatch(res.text, /https?:\/\//);
  });

  it('serves /docs/app.css as CSS', async () => {
    const res = await call(app, null, 'GET', '/docs/app.css');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    assert.doesNotMatch(res.text, /@import|url\(/);
  });
});

describe('the /docs script', () => {
  const HOSTILE = '<img src=x onerror=alert(1)>';

  async function renderDocs(doc: any): Promise<FakeDocument> {
    const app = buildAppWithDocs();
    const script = (await call(app, null, 'GET', '/docs/app.js')).text;
    const document = new FakeDocument(DOCS_HTML);
    const fetched: string[] = [];
    const fetch = async (url: string) => {
      fetched.push(url);
      return { ok: true, status: 200, json: async () => doc };
    };
    vm.runInNewContext(script, { document, fetch, location: { hash: '' } });
    document.dispatch('DOMContentLoaded');
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(fetched, ['/openapi.json']);
    return document;
  }

  const allOps = (spec: any) => Object.values<any>(spec.paths).flatMap((item) => HTTP_METHODS.filter((m) => item[m]).map((m) => item[m]));

  it('renders every operation, grouped by tag, with method, path and roles', async () => {
    const spec: any = buildOpenApiSpec(TEST_VERSION);
    const document = await renderDocs(spec);
    const content = document.getElementById('content')!;
    const ops = content.byClass('op').filter((e) => e.id.startsWith('op-'));
    assert.equal(ops.length, allOps(spec).length);
    for (const tag of new Set(allOps(spec).map((o) => o.tags[0]))) {
      const section = document.getElementById(`tag-${tag}`);
      assert.ok(section, `a section for tag ${tag}`);
      const inSection = section.byClass('op').length;
      assert.equal(inSection, allOps(spec).filter((o) => o.tags[0] === tag).length, tag);
    }
    const decide = document.getElementById('op-decideRequest')!;
    assert.match(decide.textContent, /POST\/v1\/requests\/\{id\}\/decision/);
    assert.deepEqual(decide.byClass('role').map((r) => r.textContent), ['approver', 'admin']);
    assert.match(decide.textContent, /Request body/);
    assert.match(decide.textContent, /409/);
    assert.ok(document.getElementById('schema-Request'), 'the schemas are listed too');
    assert.match(document.getElementById('version')!.textContent, new RegExp(TEST_VERSION.replace(/\./g, '\\.')));
  });

  it('renders hostile spec text as text, never as markup', async () => {
    const spec: any = buildOpenApiSpec(TEST_VERSION);
    spec.info.description = `**${HOSTILE}** and \`${HOSTILE}\``;
    spec.paths['/healthz'].get.summary = HOSTILE;
    spec.paths['/healthz'].get.description = HOSTILE;
    spec.tags.push({ name: HOSTILE, description: HOSTILE });
    spec.paths['/healthz'].get.tags = [HOSTILE];
    const document = await renderDocs(spec);
    const tree = [...document.body.descendants()];
    assert.equal(tree.filter((e) => e.tagName === 'IMG' || e.tagName === 'SCRIPT').length, 0);
    const health = document.getElementById('op-health')!;
    assert.ok(health.textContent.includes(HOSTILE));
    assert.ok(document.getElementById('content')!.textContent.includes(HOSTILE));
  });

  it('filters operations with the search box and hides empty groups', async () => {
    const spec: any = buildOpenApiSpec(TEST_VERSION);
    const document = await renderDocs(spec);
    const search = document.getElementById('search')!;
    const visibleOps = () => document.getElementById('content')!.byClass('op').filter((e: FakeElement) => e.id.startsWith('op-') && !e.isHidden());
    search.value = 'decision';
    search.dispatch('input');
    const shown = visibleOps().map((e) => e.id);
    assert.ok(shown.includes('op-decideRequest'));
    assert.ok(!shown.includes('op-health'));
    assert.equal(document.getElementById('tag-keys')!.hidden, true, 'a group with no match is hidden');
    assert.equal(document.getElementById('tag-requests')!.hidden, false);
    search.value = 'admin keys';
    search.dispatch('input');
    assert.ok(visibleOps().some((e) => e.id === 'op-createKey'));
    search.value = '';
    search.dispatch('input');
    assert.equal(visibleOps().length, allOps(spec).length);
    assert.match(document.getElementById('count')!.textContent, new RegExp(`^${allOps(spec).length} operations$`));
  });

  it('says so when /openapi.json cannot be loaded', async () => {
    const app = buildAppWithDocs();
    const script = (await call(app, null, 'GET', '/docs/app.js')).text;
    const document = new FakeDocument(DOCS_HTML);
    vm.runInNewContext(script, { document, location: { hash: '' }, fetch: async () => ({ ok: false, status: 503, json: async () => ({}) }) });
    document.dispatch('DOMContentLoaded');
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    assert.match(document.getElementById('content')!.textContent, /Could not load \/openapi\.json: GET \/openapi\.json answered 503/);
  });
});
