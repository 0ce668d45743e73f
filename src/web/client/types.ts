// The wire shapes the dashboard reads (the native v1 API; see /openapi.json).

export type Status = 'pending' | 'approved' | 'denied' | 'conditional' | 'answered' | 'expired' | 'cancelled';
export type Priority = 'low' | 'normal' | 'high' | 'critical';

export interface ConditionField {
  name: string;
  type: 'text' | 'number' | 'boolean' | 'select';
  label?: string;
  description?: string;
  required?: boolean;
  options?: string[];
}

export interface Question {
  options: { key: string; label: string; description?: string }[];
  multi_select: boolean;
  allow_free_text: boolean;
}

export interface Decision {
  outcome: 'approved' | 'denied' | 'conditional' | 'answered';
  scope: 'once' | 'session' | 'always';
  comment: string | null;
  conditions: Record<string, string | number | boolean> | null;
  answer: string | string[] | null;
  updated_input: unknown;
  decided_by: string;
  decided_by_kind: string;
  via: string;
  decided_at: string;
}

export interface Req {
  id: string;
  status: Status;
  title: string;
  action_type: string;
  preview: string;
  tool: string | null;
  input: unknown;
  agent: string;
  requester: string | null;
  session_id: string | null;
  project: string | null;
  cwd: string | null;
  /** The machine the agent runs on; absent from older servers. */
  host?: string | null;
  priority: Priority;
  tags: string[];
  context: string | null;
  question: Question | null;
  conditions_schema: ConditionField[] | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  policy: { verdict: string; rule: string | null; reason: string; dangerous?: boolean; danger_reasons?: string[]; step_up?: boolean } | null;
  decision: Decision | null;
  metadata: Record<string, unknown> | null;
  /** Quorum and escalation ladder (docs/workflows.md); `progress` is what every channel shows. */
  workflow: { route: string; quorum: { required: number; deny: string }; eligible: string[]; progress: string[] } | null;
}

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface Me {
  signed_in: true;
  name: string;
  role: 'approver' | 'admin';
  method: string;
  csrf_token: string;
  expires_at: string;
}

export const PRIORITY_RANK: Record<Priority, number> = { critical: 3, high: 2, normal: 1, low: 0 };
