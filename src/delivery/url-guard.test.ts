import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { classifyAddress } from './ip-ranges.js';
import { BlockedAddressError, createUrlGuard, hostAllowed, type Resolver } from './url-guard.js';

const strict = { allow_loopback: false, allow_private_networks: false, allow_hosts: [] as string[] };

/** A resolver that answers from a table, like a DNS server under the attacker's control. */
const fakeDns = (table: Record<string, string[]>): Resolver => (hostname, _opts, cb) => {
  const addrs = table[hostname];
  if (!addrs) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
  cb(null, addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

function lookupAll(guard: ReturnType<typeof createUrlGuard>, host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => guard.lookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs as LookupAddress[]))));
}
function lookupOne(guard: ReturnType<typeof createUrlGuard>, host: string): Promise<{ address: string; family?: number }> {
  return new Promise((resolve, reject) => guard.lookup(host, {}, (err, address, family) => (err ? reject(err) : resolve({ address: address as string, family }))));
}

describe('classifyAddress', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ];
  for (const [address, cls] of cases) {
    it(`classifies ${address} as ${cls}`, () => assert.equal(classifyAddress(address), cls));
  }
  it('returns null for names', () => assert.equal(classifyAddress('example.com'), null));
});

describe('checkStatic', () => {
  const guard = createUrlGuard(strict);

  it('accepts a public https URL', () => assert.equal(guard.checkStatic('https://hooks.example.com/x?y=1'), null));
  it('refuses schemes other than http(s)', () => {
    assert.match(guard.checkStatic('file:///etc/passwd') ?? '', /scheme file/);
    assert.match(guard.checkStatic('gopher://example.com/') ?? '', /scheme gopher/);
  });
  it('refuses credentials in the URL', () => assert.match(guard.checkStatic('https://user:pw@example.com/') ?? '', /credentials/));
  it('refuses garbage', () => assert.match(guard.checkStatic('not a url') ?? '', /not a valid/));

  for (const url of ['http://127.0.0.1/', 'http://[::1]/', 'http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/']) {
    it(`refuses loopback written as ${url}`, () => {
      // The URL parser normalizes the odd IPv4 forms to dotted quads before we look.
      assert.match(guard.checkStatic(url) ?? '', /loopback/);
    });
  }
  it('the URL parser normalizes decimal, hex and octal IPv4', () => {
    assert.equal(new URL('http://2130706433/').hostname, '127.0.0.1');
    assert.equal(new URL('http://0x7f.1/').hostname, '127.0.0.1');
    assert.equal(new URL('http://0177.0.0.1/').hostname, '127.0.0.1');
  });
  it('refuses localhost names', () => {
    assert.match(guard.checkStatic('http://localhost:8080/') ?? '', /loopback/);
    assert.match(guard.checkStatic('http://LOCALHOST./') ?? '', /loopback/);
    assert.match(guard.checkStatic('http://api.localhost/') ?? '', /loopback/);
  });
  it('refuses cloud metadata, private, unspecified and multicast literals', () => {
    assert.match(guard.checkStatic('http://169.254.169.254/latest/meta-data/') ?? '', /link-local/);
    assert.match(guard.checkStatic('http://[fe80::1]/') ?? '', /link-local/);
    assert.match(guard.checkStatic('http://10.0.0.5/') ?? '', /private/);
    assert.match(guard.checkStatic('http://[fd00::5]/') ?? '', /private/);
    assert.match(guard.checkStatic('http://100.64.1.1/') ?? '', /private/);
    assert.match(guard.checkStatic('http://0.0.0.0:8080/') ?? '', /unspecified/);
    assert.match(guard.checkStatic('http://0/') ?? '', /unspecified/);
    assert.match(guard.checkStatic('http://224.0.0.1/') ?? '', /multicast/);
    assert.match(guard.checkStatic('http://[::ffff:169.254.169.254]/') ?? '', /link-local/);
  });
  it('leaves names to the connect-time lookup', () => assert.equal(guard.checkStatic('http://internal.example/'), null));

  it('allow_loopback allows loopback only', () => {
    const g = createUrlGuard({ ...strict, allow_loopback: true });
    assert.equal(g.checkStatic('http://127.0.0.1:9/'), null);
    assert.equal(g.checkStatic('http://localhost:9/'), null);
    assert.equal(g.checkStatic('http://[::1]:9/'), null);
    assert.match(g.checkStatic('http://10.0.0.1/') ?? '', /private/);
    assert.match(g.checkStatic('http://169.254.169.254/') ?? '', /link-local/);
  });
  it('allow_private_networks allows private ranges but not loopback or metadata', () => {
    const g = createUrlGuard({ ...strict, allow_private_networks: true });
    assert.equal(g.checkStatic('http://10.0.0.1/'), null);
    assert.equal(g.checkStatic('http://192.168.1.10/'), null);
    assert.match(g.checkStatic('http://127.0.0.1/') ?? '', /loopback/);
    assert.match(g.checkStatic('http://169.254.169.254/') ?? '', /link-local/);
  });
  it('allow_hosts allows exact hosts and *.suffix', () => {
    const g = createUrlGuard({ ...strict, allow_hosts: ['10.0.0.7', '*.corp.internal', 'hooks.lan'] });
    assert.equal(g.checkStatic('http://10.0.0.7/'), null);
    assert.match(g.checkStatic('http://10.0.0.8/') ?? '', /private/);
    assert.equal(g.checkStatic('http://a.corp.internal/'), null);
  });
});

describe('hostAllowed', () => {
  it('matches exact names and suffix patterns, case-insensitively', () => {
    assert.equal(hostAllowed('Hooks.LAN', ['hooks.lan']), true);
    assert.equal(hostAllowed('a.corp.internal', ['*.corp.internal']), true);
    assert.equal(hostAllowed('x.a.corp.internal', ['*.corp.internal']), true);
    assert.equal(hostAllowed('corp.internal', ['*.corp.internal']), false);
    assert.equal(hostAllowed('evilcorp.internal', ['*.corp.internal']), false);
    assert.equal(hostAllowed('hooks.lan.evil.com', ['hooks.lan']), false);
    assert.equal(hostAllowed('[::1]', ['::1']), true);
  });
});

describe('lookup (connect-time check)', () => {
  const dns = fakeDns({
    'public.example': ['93.184.216.34'],
    'rebind.example': ['127.0.0.1'],
    'mixed.example': ['93.184.216.34', '10.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'mapped.example': ['::ffff:127.0.0.1'],
    'lan.example': ['192.168.1.20'],
    'a.corp.internal': ['10.9.9.9'],
  });

  it('passes public addresses through, in both callback forms', async () => {
    const g = createUrlGuard(strict, dns);
    assert.deepEqual(await lookupAll(g, 'public.example'), [{ address: '93.184.216.34', family: 4 }]);
    assert.deepEqual(await lookupOne(g, 'public.example'), { address: '93.184.216.34', family: 4 });
  });
  it('refuses a name that resolves to loopback (DNS rebinding)', async () => {
    const g = createUrlGuard(strict, dns);
    await assert.rejects(lookupAll(g, 'rebind.example'), (err: Error) => err instanceof BlockedAddressError && /rebind\.example resolves to 127\.0\.0\.1.*loopback/.test(err.message));
    await assert.rejects(lookupOne(g, 'rebind.example'), BlockedAddressError);
  });
  it('refuses when any one of the addresses is forbidden', async () => {
    await assert.rejects(lookupAll(createUrlGuard(strict, dns), 'mixed.example'), /private/);
  });
  it('refuses metadata and IPv4-mapped loopback', async () => {
    const g = createUrlGuard({ ...strict, allow_private_networks: true }, dns);
    await assert.rejects(lookupAll(g, 'metadata.example'), /link-local/);
    await assert.rejects(lookupAll(g, 'mapped.example'), /loopback/);
    assert.equal((await lookupAll(g, 'lan.example')).length, 1);
  });
  it('allow_loopback lets a name resolving to loopback through', async () => {
    const g = createUrlGuard({ ...strict, allow_loopback: true }, dns);
    assert.equal((await lookupOne(g, 'rebind.example')).address, '127.0.0.1');
  });
  it('allow_hosts lets a listed name through whatever it resolves to', async () => {
    const g = createUrlGuard({ ...strict, allow_hosts: ['*.corp.internal'] }, dns);
    assert.equal((await lookupOne(g, 'a.corp.internal')).address, '10.9.9.9');
  });
  it('passes resolver errors on', async () => {
    await assert.rejects(lookupAll(createUrlGuard(strict, dns), 'nowhere.example'), /ENOTFOUND/);
  });
  it('uses the real resolver by default: localhost resolves to loopback and is refused', async () => {
    await assert.rejects(lookupAll(createUrlGuard(strict), 'localhost'), BlockedAddressError);
  });
});
