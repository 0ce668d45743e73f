// How `greenlight init --channels email` sets the email channel up (see ../setup.ts): the SMTP
// server, the From address, and the approver's own address. Cheap to import: only the channel's
// config schema, never nodemailer.
import type { ChannelSetup } from '../setup.js';
import { EmailConfigSchema, parseMailbox } from './config.js';

export const emailSetup: ChannelSetup = {
  channel: 'email',
  summary: 'mails with one-click links and replies by menu (an SMTP account)',
  questions: [
    { key: 'smtp_url', prompt: 'SMTP server, smtps://user:password@smtp.example.com:465 (write @ in the user as %40)', check: (a) => (EmailConfigSchema.shape.smtp_url.safeParse(a).success ? null : 'an smtps:// or smtp:// URL') },
    { key: 'from', prompt: 'From address, e.g. Greenlight <approvals@example.com>', check: (a) => (parseMailbox(a) ? null : 'an address or "Name <address>"') },
    { key: 'email', prompt: 'Your own email address (approval mails go there; replies from it decide)', check: (a) => (parseMailbox(a) && !a.includes('<') ? null : 'a plain address, e.g. me@example.com') },
  ],
  section(a) {
    return { section: { smtp_url: a.smtp_url, from: a.from }, approver: { email: a.email } };
  },
  schema: EmailConfigSchema,
  next: 'Set server.public_url to a URL your mail client can open (the links point there); replies need an IMAP mailbox or an inbound webhook (docs/channels/email.md).',
};
