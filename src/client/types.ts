// The wire shapes the client sends and receives (the native v1 API, timestamps as ISO-8601).
import type { ApprovalRequest, Decision } from '../core/types.js';
import type { CreateRequestInput, DecideInput } from '../core/request-input.js';
import type { workflowToWire } from '../http/wire.js';

export type { CreateRequestInput, DecideInput };
export type { Status, Outcome, Scope, Priority, QuestionOption } from '../core/types.js';

export type WireDecision = Omit<Decision, 'decided_at'> & { decided_at: string | null };

/** Quorum and escalation ladder (docs/workflows.md); `progress` is what every channel shows. */
export type WireWorkflow = NonNullable<ReturnType<typeof workflowToWire>>;

export type WireRequest = Omit<ApprovalRequest, 'created_at' | 'updated_at' | 'expires_at' | 'decision' | 'workflow'> & {
  created_at: string;
  updated_at: string;
  expires_at: string;
  decision: WireDecision | null;
  /** Absent from servers older than workflows. */
  workflow?: WireWorkflow | null;
};

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
