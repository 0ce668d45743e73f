// Conversation state that must survive a restart, kept in the store's meta table as JSON:
// force-reply prompts waiting for an answer, conditional walk-throughs, multi-select toggles, the
// sessions a chat approved (for /clear), what an announce already sent, and the polling offset.
// A finished entry is deleted (an empty value, as older versions left, also reads as absent).
import type { ConditionValue } from '../../core/types.js';
import type { Store } from '../../store/store.js';

export type PromptKind = 'reason' | 'edit' | 'answer' | 'condition' | 'code';

export interface Prompt {
  kind: PromptKind;
  request_id: string;
  /** Only this user's reply counts. */
  user_id: number;
  /** For `condition`: the field index being asked. */
  field?: number;
}

export interface Walk {
  values: Record<string, ConditionValue>;
  /** Index of the next field to ask; fields.length means "confirm". */
  step: number;
}

export interface SessionRef {
  agent: string;
  session_id: string;
}

export interface Sent {
  card?: number;
  doc?: number;
  chat?: string;
}

const MAX_SESSIONS = 100;
const ID = /^req_[0-9a-z]{26}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Conversations {
  constructor(private readonly store: Store) {}

  private async read(key: string): Promise<unknown> {
    const raw = await this.store.getMeta(key);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }

  private async write(key: string, value: unknown): Promise<void> {
    if (value === null) await this.store.deleteMeta(key);
    else await this.store.setMeta(key, JSON.stringify(value));
  }

  // Force-reply prompts: by the prompt's message, plus the latest one per user and chat so a reply
  // that forgot to quote the prompt still lands.
  async setPrompt(chat: string, messageId: number, prompt: Prompt): Promise<void> {
    await this.write(`telegram:prompt:${chat}:${messageId}`, prompt);
    await this.write(`telegram:awaiting:${chat}:${prompt.user_id}`, messageId);
  }

  async getPrompt(chat: string, messageId: number): Promise<Prompt | null> {
    const v = await this.read(`telegram:prompt:${chat}:${messageId}`);
    if (!isObject(v) || typeof v.request_id !== 'string' || !ID.test(v.request_id) || typeof v.user_id !== 'number') return null;
    if (!['reason', 'edit', 'answer', 'condition', 'code'].includes(v.kind as string)) return null;
    return { kind: v.kind as PromptKind, request_id: v.request_id, user_id: v.user_id, ...(typeof v.field === 'number' ? { field: v.field } : {}) };
  }

  async awaiting(chat: string, userId: number): Promise<number | null> {
    const v = await this.read(`telegram:awaiting:${chat}:${userId}`);
    return typeof v === 'number' ? v : null;
  }

  async clearPrompt(chat: string, messageId: number, userId: number): Promise<void> {
    await this.write(`telegram:prompt:${chat}:${messageId}`, null);
    if ((await this.awaiting(chat, userId)) === messageId) await this.write(`telegram:awaiting:${chat}:${userId}`, null);
  }

  // Conditional walk-throughs: one per chat, user and request.
  private walkKey = (chat: string, userId: number, requestId: string) => `telegram:walk:${chat}:${userId}:${requestId}`;

  async getWalk(chat: string, userId: number, requestId: string): Promise<Walk | null> {
    const v = await this.read(this.walkKey(chat, userId, requestId));
    if (!isObject(v) || typeof v.step !== 'number' || !isObject(v.values)) return null;
    const values: Record<string, ConditionValue> = {};
    for (const [k, x] of Object.entries(v.values)) if (['string', 'number', 'boolean'].includes(typeof x)) values[k] = x as ConditionValue;
    return { step: v.step, values };
  }

  setWalk(chat: string, userId: number, requestId: string, walk: Walk | null): Promise<void> {
    return this.write(this.walkKey(chat, userId, requestId), walk);
  }

  // Multi-select toggles: per message, so every approver in a group sees the same ticks.
  async getSelection(chat: string, messageId: number): Promise<string[]> {
    const v = await this.read(`telegram:select:${chat}:${messageId}`);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  setSelection(chat: string, messageId: number, keys: string[]): Promise<void> {
    return this.write(`telegram:select:${chat}:${messageId}`, keys);
  }

  // Sessions approved "for the session" from a chat: what /clear ends.
  async sessions(chat: string): Promise<SessionRef[]> {
    const v = await this.read(`telegram:sessions:${chat}`);
    return Array.isArray(v) ? v.filter((x): x is SessionRef => isObject(x) && typeof x.agent === 'string' && typeof x.session_id === 'string') : [];
  }

  async rememberSession(chat: string, ref: SessionRef): Promise<void> {
    const list = (await this.sessions(chat)).filter((s) => !(s.agent === ref.agent && s.session_id === ref.session_id));
    list.push(ref);
    await this.write(`telegram:sessions:${chat}`, list.slice(-MAX_SESSIONS));
  }

  forgetSessions(chat: string): Promise<void> {
    return this.write(`telegram:sessions:${chat}`, null);
  }

  // What one announce outbox item already sent (so a retry does not post the card twice).
  async getSent(outboxId: string): Promise<Sent> {
    const v = await this.read(`telegram:sent:${outboxId}`);
    if (!isObject(v)) return {};
    return {
      ...(typeof v.card === 'number' ? { card: v.card } : {}),
      ...(typeof v.doc === 'number' ? { doc: v.doc } : {}),
      ...(typeof v.chat === 'string' ? { chat: v.chat } : {}),
    };
  }

  setSent(outboxId: string, sent: Sent): Promise<void> {
    return this.write(`telegram:sent:${outboxId}`, sent);
  }

  // Polling offset, per bot (a new token starts afresh).
  async offset(botId: number): Promise<number> {
    const v = await this.read(`telegram:offset:${botId}`);
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : 0;
  }

  setOffset(botId: number, offset: number): Promise<void> {
    return this.write(`telegram:offset:${botId}`, offset);
  }
}
