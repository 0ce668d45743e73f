// The scanner over the secret-shape corpus (every secret found and masked) and over the ordinary
// commands of the policy test corpus (none masked): a false mask hides what an approver needs to
// read, a missed one leaks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SECRET_SHAPES } from '../../test/helpers/secret-shapes.js';
import { maskRequest } from './mask-request.js';
import { createSecretScanner, marker } from './scanner.js';
import { GITLEAKS_RULES } from './gitleaks-rules.js';
import { makeRequest } from '../store/fixtures.js';

const scanner = createSecretScanner();

/** The Bash commands of src/policy/policy-cases.test.ts (its `bash('…', …)` cases), read from its source. */
function policyCommands(): string[] {
  const src = readFileSync(new URL('../../../src/policy/policy-cases.test.ts', import.meta.url), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/\bbash\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g)) out.push(new Function(`return ${m[1]}`)() as string);
  return out;
}

describe('secret scanner', () => {
  it('compiles every gitleaks rule into a JavaScript pattern', () => {
    assert.ok(GITLEAKS_RULES.length >= 200, `${GITLEAKS_RULES.length} rules`);
    assert.ok(scanner.ruleCount >= GITLEAKS_RULES.length);
  });

  it(`masks every secret of the ${SECRET_SHAPES.length} shapes in the corpus, and marks each`, () => {
    assert.ok(SECRET_SHAPES.length >= 30);
    for (const shape of SECRET_SHAPES) {
      const r = makeRequest({ tool: shape.tool, input: shape.input, preview: '' });
      const shown = maskRequest(scanner, r);
      const text = JSON.stringify(shown.input);
      for (const s of shape.secrets) assert.ok(!text.includes(s), `${shape.name}: ${s} left in clear in ${text}`);
      assert.ok(text.includes('⟦secret hidden: '), `${shape.name}: no marker`);
      assert.ok(shown.masked && shown.masked.count >= 1, shape.name);
      // The stored request is untouched.
      assert.deepEqual(r.input, shape.input);
    }
  });

  it('masks nothing in the ordinary commands of the policy test corpus', () => {
    const commands = policyCommands();
    assert.ok(commands.length > 150, `${commands.length} commands read`);
    const masked = commands.filter((c) => scanner.find(c).length > 0).map((c) => `${c} → ${scanner.mask(c).text}`);
    assert.deepEqual(masked, []);
  });

  it('leaves references to secrets alone: $VAR, ${VAR}, <placeholder>, {{template}}', () => {
    for (const c of ['curl -H "Authorization: Bearer $TOKEN" https://x', 'export API_KEY=${API_KEY}', 'psql postgres://app:$PGPASSWORD@db/app', 'mysql --password=<your-password>', 'token: {{ secrets.token }}', 'max_tokens=4096 python run.py']) {
      assert.deepEqual(scanner.find(c), [], c);
    }
  });

  it('says when a hidden value could hide the action\'s structure (spaces, quotes, $)', () => {
    const token = maskRequest(scanner, makeRequest({ tool: 'Bash', input: { command: `curl -u deploy:${'Zq9'.repeat(6)} https://ci.example.com` } }));
    assert.equal(token.masked?.holdOneTap, false);
    const key = SECRET_SHAPES.find((s) => s.name === 'RSA private key')!;
    const pem = maskRequest(scanner, makeRequest({ tool: key.tool, input: key.input }));
    assert.equal(pem.masked?.holdOneTap, true, 'a multi-line key could hide lines of a script');
  });

  it('adds the operator\'s patterns, found by their first group', () => {
    const own = createSecretScanner({ patterns: [{ name: 'acme-ticket', regex: 'ACME-SECRET-([0-9]{6})' }] });
    assert.equal(own.mask('deploy ACME-SECRET-123456 now').text, `deploy ACME-SECRET-${marker('acme-ticket')} now`);
  });
});
