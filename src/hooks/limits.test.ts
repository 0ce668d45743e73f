import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampWaitSec, defaultWaitSec, HOOK_MARGIN_SEC, HOST_LIMITS, timeoutValue } from './limits.cjs';

describe('hook limits per host', () => {
  it('waits inside every timeout the installer writes, in the host\'s unit', () => {
    for (const host of Object.keys(HOST_LIMITS)) {
      const written = timeoutValue(host) / (HOST_LIMITS[host].unit === 'ms' ? 1000 : 1);
      assert.equal(defaultWaitSec(host), written - HOOK_MARGIN_SEC, host);
    }
    assert.equal(timeoutValue('gemini'), 60_000);
    assert.equal(timeoutValue('codex'), 60);
  });

  it('a longer wait asked for is cut to the host\'s limit; a shorter one is kept; nonsense is the default', () => {
    assert.equal(clampWaitSec('codex', 500), 50);
    assert.equal(clampWaitSec('codex', 5), 5);
    assert.equal(clampWaitSec('codex', 0), 0);
    assert.equal(clampWaitSec('gemini', -1), 50);
    assert.equal(clampWaitSec('cursor', Number.NaN), 50);
    assert.equal(clampWaitSec('cursor', null), 50);
    assert.equal(clampWaitSec('unknown-host', 500), 50);
  });
});
