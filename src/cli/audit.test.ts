import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../store/memory/memory-store.js';
import { verifyStore } from './audit.js';

const row = (i: number) => ({ at: 1_700_000_000_000 + i, actor_kind: 'admin', actor_name: 'cli:test', action: 'key.created', request_id: null, via: null, detail: { i } });

describe('verifyStore', () => {
  it('walks a log longer than one page and reports its head', async () => {
    const store = new MemoryStore();
    await store.migrate();
    await store.appendAudit(Array.from({ length: 2500 }, (_, i) => row(i)));
    const { result, head } = await verifyStore(store);
    assert.equal(result.ok, true, result.problem ?? '');
    assert.equal(result.checked, 2500);
    assert.equal(head?.seq, 2500);
  });

  it('reports a recorded head that is not valid JSON instead of throwing', async () => {
    const store = new MemoryStore();
    await store.migrate();
    await store.appendAudit([row(1)]);
    await store.setMeta('audit_head', '{not json');
    const { result } = await verifyStore(store);
    assert.equal(result.ok, false);
    assert.match(result.problem ?? '', /recorded head .* is not valid/);
  });

  it('checks rows appended while it walks the log, instead of calling them missing', async () => {
    class BusyStore extends MemoryStore {
      appended = false;
      override async getMeta(key: string): Promise<string | null> {
        if (key === 'audit_head' && !this.appended) {
          this.appended = true;
          await this.appendAudit([row(3), row(4)]); // the server wrote between the walk and the head
        }
        return super.getMeta(key);
      }
    }
    const store = new BusyStore();
    await store.migrate();
    await store.appendAudit([row(1), row(2)]);
    const { result, head } = await verifyStore(store);
    assert.equal(result.ok, true, result.problem ?? '');
    assert.equal(result.checked, 4);
    assert.equal(head?.seq, 4);
  });

  it('reports rows after the recorded head as added outside Greenlight', async () => {
    const store = new MemoryStore();
    await store.migrate();
    await store.appendAudit([row(1), row(2)]);
    const [first] = await store.listAudit({ order: 'asc', limit: 1 });
    await store.setMeta('audit_head', JSON.stringify({ seq: 1, hash: first.hash }));
    const { result } = await verifyStore(store);
    assert.equal(result.ok, false);
    assert.match(result.problem ?? '', /rows 2 to 2 come after the recorded head \(row 1\): they were added outside Greenlight/);
  });

  it('notices a recorded head that points past the last row', async () => {
    const store = new MemoryStore();
    await store.migrate();
    await store.appendAudit([row(1), row(2)]);
    const head = JSON.parse((await store.getMeta('audit_head'))!);
    await store.setMeta('audit_head', JSON.stringify({ ...head, seq: 3 }));
    const { result } = await verifyStore(store);
    assert.equal(result.ok, false);
    assert.match(result.problem ?? '', /removed from the end/);
  });
});
