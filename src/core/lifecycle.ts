import { GreenlightError } from './errors.js';
import type { Status } from './types.js';

/** The one transition table. Anything not listed here is refused. */
const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  pending: ['approved', 'denied', 'conditional', 'answered', 'expired', 'cancelled'],
  approved: [],
  denied: [],
  conditional: [],
  answered: [],
  expired: [],
  cancelled: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws NOT_PENDING unless `from → to` is in the table. */
export function transition(from: Status, to: Status): Status {
  if (!canTransition(from, to)) {
    throw new GreenlightError('NOT_PENDING', `A request that is ${from} cannot become ${to}.`);
  }
  return to;
}

export const isTerminal = (s: Status): boolean => TRANSITIONS[s].length === 0;

/** Whether the agent may go ahead: approved, conditional (with conditions) and answered all mean yes. */
export const isGoAhead = (s: Status): boolean => s === 'approved' || s === 'conditional' || s === 'answered';
