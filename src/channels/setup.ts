// How `greenlight init` sets a channel up, channel-neutral: each channel declares the questions it
// asks, how the answers become its config section (and the approver's identity on it), and how to
// check the result; init asks them in order and writes the section. A new channel adds one
// ChannelSetup to SETUPS below — init itself knows no channel. Must stay cheap to import: no
// channel runtime (grammY, nodemailer, ...), only the channel's config schema.
import type { ZodType } from 'zod';
import { discordSetup } from './discord/setup.js';
import { emailSetup } from './email/setup.js';
import { NtfyConfigSchema, TOPIC } from './ntfy/config.js';
import { telegramSetup } from './telegram/setup.js';
import { slackSetup } from './slack/setup.js';

export interface SetupQuestion {
  /** Where the answer goes, by name (the channel's `section` reads it). */
  key: string;
  /** The question, as asked. */
  prompt: string;
  /** What an empty answer means (shown in brackets). */
  default?: string;
  /** An empty answer leaves the setting out. */
  optional?: boolean;
  /** Why the answer is not usable, or null when it is. */
  check?(answer: string): string | null;
  /** Asked only when this holds for the answers so far (e.g. one mode's secret). */
  when?(answers: Record<string, string>): boolean;
}

export interface ChannelSetup {
  /** The channel's section name under `channels:`. */
  channel: string;
  /** One line for the menu. */
  summary: string;
  questions: SetupQuestion[];
  /** The section, and what to add to the approver init creates (their identity on the channel). */
  section(answers: Record<string, string>, approver: string): { section: Record<string, unknown>; approver?: Record<string, unknown> };
  /** The channel's own schema, to check the section before it is written. */
  schema: ZodType;
  /** What to do next, printed after the file is written. */
  next: string;
}

const url = (a: string) => {
  try {
    return /^https?:$/.test(new URL(a).protocol) ? null : 'use an http:// or https:// URL';
  } catch {
    return 'not a URL';
  }
};

const randomSuffix = (): string => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

const ntfy: ChannelSetup = {
  channel: 'ntfy',
  summary: 'phone push with Approve / Deny buttons (ntfy.sh or your own ntfy server)',
  questions: [
    { key: 'server_url', prompt: 'ntfy server URL', default: 'https://ntfy.sh', check: url },
    { key: 'topic', prompt: 'Topic your phone subscribes to (unguessable: it is the password on ntfy.sh)', default: `greenlight-${randomSuffix()}`, check: (a) => (TOPIC.test(a) ? null : '1–64 letters, digits, - and _') },
    { key: 'access_token', prompt: 'ntfy access token (tk_…), if the server needs one', optional: true },
  ],
  section(a, approver) {
    return {
      section: {
        server_url: a.server_url,
        ...(a.access_token ? { access_token: a.access_token } : {}),
        topics: [{ topic: a.topic, approver }],
      },
    };
  },
  schema: NtfyConfigSchema,
  next: 'Subscribe to the topic in the ntfy app, and set server.public_url to a URL your phone reaches (docs/channels/ntfy.md).',
};

/** Every channel init can set up, in the order it offers them; a channel keeps its own in <channel>/setup.ts. */
export const SETUPS: readonly ChannelSetup[] = [telegramSetup, emailSetup, ntfy, discordSetup, slackSetup];

export const setupFor = (channel: string): ChannelSetup | undefined => SETUPS.find((s) => s.channel === channel);
