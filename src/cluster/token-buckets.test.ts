import { describe } from 'node:test';
import { tokenBucketBehaviour } from './token-buckets-contract.js';
import { createTokenBuckets } from './token-buckets.js';

describe('token buckets in memory', () => {
  tokenBucketBehaviour(async () => {
    const one = createTokenBuckets();
    return [one, one];
  });
});
