// A turn's output in a chat: one message, edited in place as the agent writes and calls tools, no
// more often than the channel allows; when the output outgrows one message, the message keeps the
// latest part and the whole output follows as a file once the turn ends. Channel-neutral: the
// surface says how long a message may be and how often it may be edited. Agent text is kept as it
// came and cut with the channels' own clip (invisible characters written out, never a cut
// through a mark or a surrogate pair).
import { clip } from '../text/clip.js';
import { showInvisible } from '../text/invisible.js';

/** What a chat channel offers the sessions feature (Telegram today; Slack, Discord later). */
export interface ChatSurface {
  /** The channel name (`telegram`): sessions bound to it stream here. */
  channel: string;
  /** Characters one message may hold. */
  maxChars: number;
  /** Least time between two edits of one message (the channel's rate limit). */
  minEditMs: number;
  /** Sends plain text (never markup); returns the message id. */
  send(target: string, text: string): Promise<string>;
  edit(target: string, messageId: string, text: string): Promise<void>;
  sendFile(target: string, name: string, content: string, caption: string): Promise<void>;
}

const FILE_MAX_CHARS = 2_000_000;

export class TurnStream {
  private lines: string[] = [];
  private messageId: string | null = null;
  private lastEdit = 0;
  private shown = '';
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly surface: ChatSurface,
    private readonly target: string,
    private readonly header: string,
    private readonly fileName: string,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  add(line: string): void {
    if (this.finished) return;
    this.lines.push(line);
    this.schedule();
  }

  /** The last line, the final edit, and the file when the output did not fit. */
  async finish(line: string): Promise<void> {
    if (this.finished) return;
    this.lines.push(line);
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wait = this.lastEdit + this.surface.minEditMs - this.now();
    if (wait > 0 && this.messageId !== null) await new Promise((r) => setTimeout(r, wait));
    await this.queueFlush();
    if (this.whole().length > this.budget()) {
      const content = `${this.header}\n\n${clip(this.output(), FILE_MAX_CHARS, { mark: `\n… [cut at ${FILE_MAX_CHARS} characters]` }).text}`;
      await this.surface.sendFile(this.target, this.fileName, content, `${this.header}: the whole output`).catch(this.onError);
    }
  }

  /** The agent's output as it came. */
  private output(): string {
    return this.lines.join('\n');
  }

  private whole(): string {
    return `${this.header}\n\n${showInvisible(this.output())}`;
  }

  private budget(): number {
    return this.surface.maxChars - 10;
  }

  /** The message as shown: all of it, or the latest part with a note. */
  private render(): string {
    const whole = this.whole();
    if (whole.length <= this.budget()) return whole;
    const note = `${this.header}\n… earlier output cut; ${this.finished ? 'the whole output is in the file below' : 'the whole output follows as a file'}\n\n`;
    return note + clip(this.output(), this.budget() - note.length, { keep: 'end', mark: '' }).text;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastEdit + this.surface.minEditMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.queueFlush();
    }, wait);
    this.timer.unref?.();
  }

  private queueFlush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flush()).catch(this.onError);
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const text = this.render();
    if (text === this.shown) return;
    this.lastEdit = this.now();
    if (this.messageId === null) this.messageId = await this.surface.send(this.target, text);
    else await this.surface.edit(this.target, this.messageId, text);
    this.shown = text;
  }
}
