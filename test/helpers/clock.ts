// Real time that a test can move forward (`clock.offset += ms`): for expiries, stale timestamps and
// time-bound tokens, without sleeping. Handed to the server as its clock.
import type { Clock } from '../../src/core/ids.js';

export class MovableClock implements Clock {
  offset = 0;
  now = () => Date.now() + this.offset;
}
