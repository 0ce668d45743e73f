import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusOf } from './migration-status.js';

const known = [1, 2, 3, 4, 5, 6].map((version) => ({ version, name: `m${version}` }));
const applied = (...versions: number[]) => versions.map((version) => ({ version, name: `m${version}`, applied_at: 0 }));

describe('migration status', () => {
  it('lists a version below the newest applied one as pending (numbers reserved by changes built side by side)', () => {
    const s = statusOf(applied(1, 2, 3, 4, 6), known);
    assert.deepEqual(s.pending, [{ version: 5, name: 'm5' }]);
    assert.equal(s.ahead, false);
  });

  it('lists nothing once every known version is applied, and says when the database is ahead', () => {
    assert.deepEqual(statusOf(applied(1, 2, 3, 4, 5, 6), known).pending, []);
    assert.equal(statusOf(applied(1, 2, 3, 4, 5, 6, 7), known).ahead, true);
  });
});
