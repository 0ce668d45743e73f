import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { holdYoungGeneration, limitYoungGeneration, youngGenerationSizedByOperator } from './heap-sizing.js';

const MB = 1024 * 1024;
const youngBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

describe('heap sizing', () => {
  it('stands down when the operator sized the young generation, on the command line or in NODE_OPTIONS', () => {
    assert.equal(youngGenerationSizedByOperator([], ''), false);
    assert.equal(youngGenerationSizedByOperator(['--max-old-space-size=512', '--enable-source-maps'], '--no-warnings'), false);
    assert.equal(youngGenerationSizedByOperator(['--max-semi-space-size=16'], ''), true);
    assert.equal(youngGenerationSizedByOperator(['--max_semi_space_size', '4'], ''), true);
    assert.equal(youngGenerationSizedByOperator([], '--no-warnings  --max-semi-space-size=2'), true);
    assert.equal(youngGenerationSizedByOperator([], '--semi-space-growth-factor=4'), true);
  });

  // This file runs in a process of its own, so the V8 flags it sets reach no other test.
  it('keeps the young generation at its limit while survivors pile up, and at its size while held', async () => {
    holdYoungGeneration();
    const kept: unknown[] = [];
    const pileUp = async (mb: number) => {
      let largest = 0;
      // Objects that survive every scavenge are what makes V8 grow the space; the server's event
      // loop turns between requests, so the limit is checked between chunks here too.
      for (let i = 0; i < mb * 4; i++) {
        kept.push(Array.from({ length: 2000 }, (_, j) => ({ i, j })));
        await turn();
        largest = Math.max(largest, youngBytes());
      }
      return largest;
    };
    assert.ok((await pileUp(16)) <= 2 * MB, 'held at its initial size');
    const stop = limitYoungGeneration(2);
    try {
      const largest = await pileUp(64);
      assert.ok(largest > 2 * MB, `allowed to grow (${largest / MB} MB)`);
      assert.ok(largest <= 4 * MB, `two semi-spaces of at most 2 MB, got ${largest / MB} MB`);
    } finally {
      stop();
    }
    assert.ok(kept.length > 0);
  });
});
