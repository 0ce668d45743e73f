// What a button, a select menu or a modal carries back to us: its `custom_id` (at most 100
// characters, chosen by us, but it arrives in a body anyone could have built, so the signature check
// comes first and the id is still parsed strictly). `<surface>|<choice id>|<request id>`:
//   b  a button: the choice of the offer (../offer.ts) it stands for
//   s  a select menu: `option` (one of the question's options) or `select` (several)
//   m  a modal: the choice it collects the input of (reason, edit, conditions, answer)
// The choice ids are the offer's own (`approve`, `grant:1`, `option:B`, ...): no second vocabulary.

export const CUSTOM_ID_MAX = 100;

export type Surface = 'b' | 's' | 'm';

export interface CustomId {
  surface: Surface;
  /** A choice id of the request's offer. */
  choice: string;
  requestId: string;
}

const CHOICE = /^(approve|session|always|grant:[0-4]|conditional|edit|deny|deny_reason|option:[A-Za-z0-9_-]{1,20}|select|answer|option)$/;
const REQUEST = /^req_[0-9a-hjkmnp-tv-z]{26}$/;

export function encodeCustomId(c: CustomId): string {
  if (!CHOICE.test(c.choice) || !REQUEST.test(c.requestId)) throw new Error(`not a custom_id: ${c.surface}|${c.choice}|${c.requestId}`);
  const id = `gl${c.surface}|${c.choice}|${c.requestId}`;
  if (id.length > CUSTOM_ID_MAX) throw new Error(`custom_id too long (${id.length}): ${id}`);
  return id;
}

/** The parsed custom_id, or null for anything that is not exactly one of ours. */
export function decodeCustomId(raw: unknown): CustomId | null {
  if (typeof raw !== 'string' || raw.length > CUSTOM_ID_MAX) return null;
  const m = /^gl([bsm])\|([^|]+)\|([^|]+)$/.exec(raw);
  if (!m || !CHOICE.test(m[2]) || !REQUEST.test(m[3])) return null;
  return { surface: m[1] as Surface, choice: m[2], requestId: m[3] };
}
