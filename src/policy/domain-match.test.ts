import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDomain, hostOf, matchDomain } from './domain-match.js';

describe('domain matching', () => {
  it('matches the exact host only', () => {
    const d = compileDomain('example.com');
    assert.ok(matchDomain(d, 'example.com'));
    assert.ok(!matchDomain(d, 'api.example.com'));
    assert.ok(!matchDomain(d, 'evilexample.com'));
  });

  it('matches subdomains (not the apex) with *.', () => {
    const d = compileDomain('*.example.com');
    assert.ok(matchDomain(d, 'api.example.com'));
    assert.ok(matchDomain(d, 'a.b.example.com'));
    assert.ok(!matchDomain(d, 'example.com'));
    assert.ok(!matchDomain(d, 'evilexample.com'));
  });

  it('extracts a lower-case host from http(s) URLs only', () => {
    assert.equal(hostOf('https://API.Example.com./x?y'), 'api.example.com');
    assert.equal(hostOf('http://user:pw@host.io:8080/'), 'host.io');
    assert.equal(hostOf('ftp://example.com/'), null);
    assert.equal(hostOf('file:///etc/passwd'), null);
    assert.equal(hostOf('not a url'), null);
    assert.equal(hostOf(42), null);
  });

  it('rejects patterns that are not host names', () => {
    assert.throws(() => compileDomain('http://example.com'));
    assert.throws(() => compileDomain('*'));
    assert.throws(() => compileDomain('exa_mple.com'));
  });
});
