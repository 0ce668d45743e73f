import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { youngGenerationSizedByOperator } from './heap-sizing.js';

const MB = 1024 * 1024;

describe('heap sizing', () => {
  it('stands down when the operator sized the young generation, on the command line or in NODE_OPTIONS', () => {
    assert.equal(youngGenerationSizedByOperator([], ''), false);
    assert.equal(youngGenerationSizedByOperator(['--max-old-space-size=512', '--enable-source-maps'], '--no-warnings'), false);
    assert.equal(youngGenerationSizedByOperator(['--max-semi-space-size=16'], ''), true);
    assert.equal(youngGenerationSizedByOperator(['--max_semi_space_size', '4'], ''), true);
    assert.equal(youngGenerationSizedByOperator([], '--no-warnings  --max-semi-space-size=2'), true);
    assert.equal(youngGenerationSizedByOperator([], '--semi-space-growth-factor=4'), true);
  });

  // In a fresh process (the test runner's own start-up may have grown the space already), the way
  // the server does it: held while loading, limited once serving.
  it('keeps the young generation at its size while held, and at its limit while survivors pile up', () => {
    const script = `
      const { getHeapSpaceStatistics } = await import('node:v8');
      const { setImmediate: turn } = await import('node:timers/promises');
      const { holdYoungGeneration, limitYoungGeneration } = await import(${JSON.stringify(new URL('./heap-sizing.js', import.meta.url).href)});
      const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      holdYoungGeneration();
      const kept = [];
      // Objects that survive every scavenge are what makes V8 grow the space; the server's event
      // loop turns between requests, so the limit is checked between chunks here too.
      const pileUp = async (mb) => {
        let largest = 0;
        for (let i = 0; i < mb * 4; i++) {
          kept.push(Array.from({ length: 2000 }, (_, j) => ({ i, j })));
          await turn();
          largest = Math.max(largest, young());
        }
        return largest;
      };
      const held = await pileUp(16);
      const stop = limitYoungGeneration(2);
      const limited = await pileUp(64);
      stop();
      process.stdout.write(JSON.stringify({ held, limited, kept: kept.length }));
    `;
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
    const { held, limited } = JSON.parse(run.stdout) as { held: number; limited: number };
    assert.ok(held <= 2 * MB, `held at its initial size, got ${held / MB} MB`);
    assert.ok(limited > 2 * MB, `allowed to grow, got ${limited / MB} MB`);
    // Steered after each collection, so a burst of survivors can take it one doubling past the
    // limit before the check runs (4 MB semi-spaces here); left alone V8 goes on to 16 MB each.
    assert.ok(limited <= 8 * MB, `two semi-spaces of at most 2 MB, or one doubling more; got ${limited / MB} MB`);
  });
});
