// The wire shapes the client sends and receives (the native v1 API, timestamps as ISO-8601).
import type { ApprovalRequest, Decision } from '../core/types.js';
import type { CreateRequestInput, DecideInput } from '../core/request-input.js';

export type { CreateRequestInput, DecideInput };
export type { Status, Outcome, Scope, Priority, QuestionOption } from '../core/types.js';

export type WireDecision = Omit<Decision, 'decided_at'> & { decided_at: string | null };

export type WireRequest = Omit<ApprovalRequest, 'created_at' | 'updated_at' | 'expires_at' | 'decision'> & {
  created_at: string;
  updated_at: string;
  expires_at: string;
  decision: WireDecision | null;
};

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
