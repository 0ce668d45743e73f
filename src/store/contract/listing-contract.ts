import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ApprovalRequest } from '../../core/types.js';
import type { RequestFilter } from '../store.js';
import { NO_EFFECTS, T0, makeRequest } from '../fixtures.js';
import { idsOf, newestFirst, seedRequests, type StoreHandle } from './handle.js';

type Filter = Omit<RequestFilter, 'order' | 'limit'>;

/** Five requests that differ in every filterable field; created T0+1 … T0+5 (a … e). */
async function seedFive(h: StoreHandle) {
  const [a, b, c, d, e] = await seedRequests(h.store, [
    { agent: 'claude', project: 'web', priority: 'normal', status: 'pending', tags: ['deploy'], title: 'Deploy web', preview: 'kubectl apply -f web.yaml', created_at: T0 + 1 },
    { agent: 'codex', project: 'api', priority: 'high', status: 'approved', tags: ['db', 'prod'], title: 'Migrate DB', preview: 'psql -f 042.sql', context: 'Schema change for BILLING', created_at: T0 + 2 },
    { agent: 'claude', project: 'api', priority: 'critical', status: 'denied', tags: ['prod'], title: 'Delete logs', preview: 'rm -rf /var/log/app', requester: 'Nightly Cleaner', created_at: T0 + 3 },
    { agent: 'gemini', project: null, priority: 'low', status: 'expired', tags: [], title: 'Fetch docs', preview: 'curl https://example.com/50%_off', created_at: T0 + 4 },
    { agent: 'claude', project: 'web', priority: 'high', status: 'pending', tags: ['deploy', 'prod'], title: 'Restart Ünicode service', preview: 'systemctl restart web', created_at: T0 + 5 },
  ]);
  return { a, b, c, d, e };
}

export function listingContract(h: StoreHandle): void {
  const list = async (filter: Filter, limit = 100) => idsOf((await h.store.listRequests({ order: 'newest', limit, ...filter })).items);
  const expectBoth = async (filter: Filter, expected: ApprovalRequest[]) => {
    assert.deepEqual(await list(filter), idsOf(expected), `list ${JSON.stringify(filter)}`);
    assert.equal(await h.store.countRequests(filter), expected.length, `count ${JSON.stringify(filter)}`);
  };

  it('lists and counts everything newest first when no filter is given', async () => {
    const { a, b, c, d, e } = await seedFive(h);
    await expectBoth({}, [e, d, c, b, a]);
  });

  it('filters by a list of statuses, and treats an empty list as no filter', async () => {
    const { a, b, c, d, e } = await seedFive(h);
    await expectBoth({ status: ['pending', 'denied'] }, [e, c, a]);
    await expectBoth({ status: ['answered'] }, []);
    await expectBoth({ status: [] }, [e, d, c, b, a]);
  });

  it('filters by agent, by project, and by both', async () => {
    const { a, b, c, e } = await seedFive(h);
    await expectBoth({ agent: 'claude' }, [e, c, a]);
    await expectBoth({ project: 'api' }, [c, b]);
    await expectBoth({ agent: 'claude', project: 'api' }, [c]);
    await expectBoth({ agent: 'nobody' }, []);
  });

  it('searches for hostile needles (NUL, quotes, FTS syntax, RTL override) literally, without failing', async () => {
    const hostile = makeRequest({ title: 'x\u0000\u202e\uffff "quoted" OR NEAR(a b) * end' });
    await h.store.createRequest(hostile, NO_EFFECTS);
    for (const needle of ['\u0000\u202e\uffff', '"quoted"', 'OR NEAR(a', ') * end', '"', '\u0000']) {
      const page = await h.store.listRequests({ order: 'newest', limit: 10, text: needle });
      assert.deepEqual(idsOf(page.items), [hostile.id], `needle ${JSON.stringify(needle)}`);
    }
    assert.deepEqual((await h.store.listRequests({ order: 'newest', limit: 10, text: 'NEAR(b' })).items, []);
  });

  it('filters by a list of priorities', async () => {
    const { b, c, d, e } = await seedFive(h);
    await expectBoth({ priority: ['high', 'critical'] }, [e, c, b]);
    await expectBoth({ priority: ['low'] }, [d]);
  });

  it('filters by tag', async () => {
    const { a, b, c, e } = await seedFive(h);
    await expectBoth({ tag: 'prod' }, [e, c, b]);
    await expectBoth({ tag: 'deploy' }, [e, a]);
    await expectBoth({ tag: 'missing' }, []);
  });

  it('finds text case-insensitively in title, preview, context and requester', async () => {
    const { a, b, c, e } = await seedFive(h);
    await expectBoth({ text: 'DEPLOY' }, [a]); // title
    await expectBoth({ text: 'RM -RF /var' }, [c]); // preview
    await expectBoth({ text: 'billing' }, [b]); // context
    await expectBoth({ text: 'nightly CLEANER' }, [c]); // requester
    await expectBoth({ text: 'ünicode' }, [e]); // non-ASCII letters fold too
    await expectBoth({ text: 'ÜNICODE SERV' }, [e]);
    await expectBoth({ text: 'we' }, [e, a]); // two characters
    await expectBoth({ text: 'not there at all' }, []);
  });

  it('takes search text literally and never matches across two fields', async () => {
    const { d } = await seedFive(h);
    await expectBoth({ text: '50%_off' }, [d]);
    await expectBoth({ text: '5%' }, []); // % is not a wildcard
    await expectBoth({ text: 'm/5_' }, []); // _ is not a wildcard
    await expectBoth({ text: '"' }, []);
    await expectBoth({ text: 'webkubectl' }, []); // end of title + start of preview
    await expectBoth({ text: 'web kubectl' }, []);
  });

  it('filters by creation time, both bounds inclusive', async () => {
    const { b, c, d } = await seedFive(h);
    await expectBoth({ created_from: T0 + 2, created_to: T0 + 4 }, [d, c, b]);
    await expectBoth({ created_from: T0 + 6 }, []);
  });

  it('combines filters', async () => {
    const { e } = await seedFive(h);
    await expectBoth({ agent: 'claude', status: ['pending'], text: 'restart', tag: 'prod', priority: ['high'], project: 'web' }, [e]);
    await expectBoth({ agent: 'claude', status: ['pending'], text: 'psql' }, []);
  });

  it('searches the same way whether thousands of rows or a single one match', async () => {
    const many = await seedRequests(
      h.store,
      Array.from({ length: 2100 }, (_, i) => ({ preview: `git status --short #${i}`, created_at: T0 + i })),
    );
    const [rare] = await seedRequests(h.store, [{ preview: 'git status --porcelain=v2 zebra-unicorn', created_at: T0 - 1 }]);
    const expected = newestFirst(many);
    const first = await h.store.listRequests({ order: 'newest', limit: 50, text: 'GIT STATUS --SHORT' });
    assert.deepEqual(idsOf(first.items), idsOf(expected.slice(0, 50)));
    const second = await h.store.listRequests({ order: 'newest', limit: 50, text: 'git status --short', cursor: first.next_cursor! });
    assert.deepEqual(idsOf(second.items), idsOf(expected.slice(50, 100)));
    assert.equal(await h.store.countRequests({ text: 'git status --short' }), 2100);
    assert.equal(await h.store.countRequests({ text: 'git status' }), 2101);
    const found = await h.store.listRequests({ order: 'newest', limit: 50, text: 'Zebra-Unicorn' });
    assert.deepEqual(idsOf(found.items), [rare.id]);
    assert.equal(found.next_cursor, null);
  });

  it('pages newest first with a cursor, without duplicates or gaps, ties broken by id', async () => {
    // Groups of three share a created_at, so the id decides their order.
    const all = await seedRequests(h.store, Array.from({ length: 23 }, (_, i) => ({ created_at: T0 + Math.floor(i / 3) })));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.store.listRequests({ order: 'newest', limit: 5, cursor });
      seen.push(...idsOf(page.items));
      cursor = page.next_cursor ?? undefined;
      pages++;
      assert.ok(pages <= 5, 'too many pages');
    } while (cursor);
    assert.equal(pages, 5);
    assert.deepEqual(seen, idsOf(newestFirst(all)));
  });

  it('gives no cursor on a last page that is exactly full', async () => {
    await seedRequests(h.store, Array.from({ length: 10 }, (_, i) => ({ created_at: T0 + i })));
    const first = await h.store.listRequests({ order: 'newest', limit: 5 });
    assert.ok(first.next_cursor);
    const second = await h.store.listRequests({ order: 'newest', limit: 5, cursor: first.next_cursor });
    assert.equal(second.items.length, 5);
    assert.equal(second.next_cursor, null);
  });

  it('keeps paging where it was when newer requests arrive between pages', async () => {
    const all = await seedRequests(h.store, Array.from({ length: 6 }, (_, i) => ({ created_at: T0 + i })));
    const first = await h.store.listRequests({ order: 'newest', limit: 3 });
    await seedRequests(h.store, [{ created_at: T0 + 100 }]);
    const second = await h.store.listRequests({ order: 'newest', limit: 3, cursor: first.next_cursor! });
    assert.deepEqual([...idsOf(first.items), ...idsOf(second.items)], idsOf(newestFirst(all)));
  });

  it('pages with a cursor through filtered results', async () => {
    const all = await seedRequests(h.store, Array.from({ length: 12 }, (_, i) => ({ created_at: T0 + i, status: i % 3 === 0 ? 'pending' : 'approved' })));
    const pending = newestFirst(all.filter((r) => r.status === 'pending'));
    const first = await h.store.listRequests({ order: 'newest', limit: 3, status: ['pending'] });
    const second = await h.store.listRequests({ order: 'newest', limit: 3, status: ['pending'], cursor: first.next_cursor! });
    assert.deepEqual([...idsOf(first.items), ...idsOf(second.items)], idsOf(pending));
    assert.equal(second.next_cursor, null);
  });

  it('orders the queue by priority, then oldest first', async () => {
    const [low, critNew, highOld, highNew, normal, critOld, done] = await seedRequests(h.store, [
      { priority: 'low', created_at: T0 + 1 },
      { priority: 'critical', created_at: T0 + 9 },
      { priority: 'high', created_at: T0 + 2 },
      { priority: 'high', created_at: T0 + 8 },
      { priority: 'normal', created_at: T0 + 3 },
      { priority: 'critical', created_at: T0 + 4 },
      { priority: 'critical', created_at: T0 + 5, status: 'approved' },
    ]);
    const page = await h.store.listRequests({ order: 'queue', limit: 10, status: ['pending'] });
    assert.deepEqual(idsOf(page.items), idsOf([critOld, critNew, highOld, highNew, normal, low]));
    assert.ok(!idsOf(page.items).includes(done.id));
    assert.equal(page.next_cursor, null);
  });

  it('skips rows with offset, in queue order and in newest order', async () => {
    const all = await seedRequests(h.store, Array.from({ length: 6 }, (_, i) => ({ created_at: T0 + i, priority: i < 2 ? 'high' : 'normal' })));
    const queue = await h.store.listRequests({ order: 'queue', limit: 2, offset: 1 });
    assert.deepEqual(idsOf(queue.items), idsOf([all[1], all[2]]));
    const newest = await h.store.listRequests({ order: 'newest', limit: 2, offset: 2 });
    assert.deepEqual(idsOf(newest.items), idsOf([all[3], all[2]]));
    assert.deepEqual((await h.store.listRequests({ order: 'newest', limit: -5 })).items, []);
    const tail = await h.store.listRequests({ order: 'newest', limit: 10, offset: 4 });
    assert.deepEqual(idsOf(tail.items), idsOf([all[1], all[0]]));
    assert.equal(tail.next_cursor, null);
  });

  it('rejects a cursor it did not hand out, and a cursor in queue order', async () => {
    await seedRequests(h.store, [{}, {}]);
    await assert.rejects(h.store.listRequests({ order: 'newest', limit: 1, cursor: 'not-a-cursor' }));
    const first = await h.store.listRequests({ order: 'newest', limit: 1 });
    await assert.rejects(h.store.listRequests({ order: 'queue', limit: 1, cursor: first.next_cursor! }));
  });

  it('returns full requests in pages, equal to what getRequest returns', async () => {
    const request = makeRequest({ tags: ['x'], metadata: { a: { b: [1, 2] } }, context: 'ctx' });
    await h.store.createRequest(request, NO_EFFECTS);
    const page = await h.store.listRequests({ order: 'newest', limit: 1, text: 'ctx' });
    assert.deepEqual(page.items, [request]);
  });
}
