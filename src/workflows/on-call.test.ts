import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupSchema, type GroupConfig } from './config-schema.js';
import { onCallAt } from './on-call.js';
import { fromLocal, toLocal } from './zoned-time.js';

const group = (on_call: Record<string, unknown>, members = ['alice', 'bob', 'carol']): GroupConfig => GroupSchema.parse({ name: 'sre', members, on_call });
const at = (iso: string) => Date.parse(iso);
const who = (g: GroupConfig, iso: string) => onCallAt(g, at(iso))?.name;

describe('zoned time', () => {
  it('maps local wall time to the instant in force, across both DST changes', () => {
    assert.equal(new Date(fromLocal({ year: 2026, month: 3, day: 28, hour: 9, minute: 0 }, 'Europe/Berlin')).toISOString(), '2026-03-28T08:00:00.000Z');
    assert.equal(new Date(fromLocal({ year: 2026, month: 3, day: 29, hour: 9, minute: 0 }, 'Europe/Berlin')).toISOString(), '2026-03-29T07:00:00.000Z');
    // 02:30 does not exist on 29 March in Berlin: the same wall time after the jump (03:30 CEST).
    assert.equal(new Date(fromLocal({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')).toISOString(), '2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October: the first (still CEST).
    assert.equal(new Date(fromLocal({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin')).toISOString(), '2026-10-25T00:30:00.000Z');
    assert.deepEqual(toLocal(at('2026-11-01T06:30:00Z'), 'America/New_York'), { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 });
  });
});

describe('on-call rotation', () => {
  it('hands over daily at 09:00 local, before and on the day clocks go forward', () => {
    const g = group({ rotation: 'daily', time_zone: 'Europe/Berlin', hand_over: '09:00', start: '2026-03-27' });
    assert.equal(who(g, '2026-03-27T07:59:59Z'), 'carol', 'before the first hand-over: the turn before it');
    assert.equal(who(g, '2026-03-27T08:00:00Z'), 'alice');
    assert.equal(who(g, '2026-03-28T07:59:59Z'), 'alice');
    assert.equal(who(g, '2026-03-28T08:00:00Z'), 'bob');
    // 29 March: CEST from 02:00, so 09:00 local is 07:00 UTC.
    assert.equal(who(g, '2026-03-29T06:59:59Z'), 'bob');
    assert.equal(who(g, '2026-03-29T07:00:00Z'), 'carol');
    assert.match(onCallAt(g, at('2026-03-29T07:00:00Z'))!.why, /^on call for sre until 2026-03-30 09:00 Europe\/Berlin$/);
    assert.equal(onCallAt(g, at('2026-03-29T07:00:00Z'))!.until, at('2026-03-30T07:00:00Z'));
  });

  it('hands over weekly on the start weekday, across the autumn change', () => {
    const g = group({ rotation: 'weekly', time_zone: 'Europe/Berlin', hand_over: '09:00', start: '2026-10-19', order: ['bob', 'alice'] });
    assert.equal(who(g, '2026-10-19T07:00:00Z'), 'bob');
    // Monday 26 October is CET: 09:00 local is 08:00 UTC, an hour later in UTC than the week before.
    assert.equal(who(g, '2026-10-26T07:30:00Z'), 'bob');
    assert.equal(who(g, '2026-10-26T08:00:00Z'), 'alice');
    assert.equal(who(g, '2026-11-02T08:00:00Z'), 'bob');
  });

  it('hands over at the local hour in each time zone: one instant, two groups, two people', () => {
    const tokyo = group({ rotation: 'daily', time_zone: 'Asia/Tokyo', hand_over: '00:00', start: '2026-06-01' });
    const la = group({ rotation: 'daily', time_zone: 'America/Los_Angeles', hand_over: '00:00', start: '2026-06-01' });
    // 2026-06-02 15:30 UTC is 3 June 00:30 in Tokyo but still 2 June 08:30 in Los Angeles.
    assert.equal(who(tokyo, '2026-06-02T15:30:00Z'), 'carol');
    assert.equal(who(la, '2026-06-02T15:30:00Z'), 'bob');
    assert.equal(who(tokyo, '2026-06-02T14:59:59Z'), 'bob');
  });

  it('puts a hand-over that falls in the skipped hour just after the jump', () => {
    const g = group({ rotation: 'daily', time_zone: 'Europe/Berlin', hand_over: '02:30', start: '2026-03-28' });
    assert.equal(who(g, '2026-03-29T00:59:59Z'), 'alice');
    assert.equal(who(g, '2026-03-29T01:29:59Z'), 'alice');
    assert.equal(who(g, '2026-03-29T01:30:00Z'), 'bob');
  });

  it('lets an override win for its local time range, the last listed first', () => {
    const g = group({
      rotation: 'weekly',
      time_zone: 'America/New_York',
      start: '2026-03-02',
      overrides: [
        { approver: 'carol', from: '2026-03-07 18:00', until: '2026-03-09 09:00' },
        { approver: 'bob', from: '2026-03-08 12:00', until: '2026-03-08 13:00' },
      ],
    });
    assert.equal(who(g, '2026-03-07T22:59:00Z'), 'alice');
    assert.equal(who(g, '2026-03-07T23:00:00Z'), 'carol', '18:00 EST');
    assert.equal(who(g, '2026-03-08T16:30:00Z'), 'bob', '12:30 EDT (clocks went forward that night)');
    assert.equal(who(g, '2026-03-09T12:59:00Z'), 'carol');
    assert.equal(who(g, '2026-03-09T13:00:00Z'), 'bob', '09:00 EDT: back to the rotation, bob\'s week');
    assert.match(onCallAt(g, at('2026-03-08T00:00:00Z'))!.why, /^override on call for sre until 2026-03-09 09:00 America\/New_York$/);
  });

  it('has nobody on call in a group without a rotation', () => {
    assert.equal(onCallAt(GroupSchema.parse({ name: 'sre', members: ['alice'] }), Date.now()), null);
  });
});
