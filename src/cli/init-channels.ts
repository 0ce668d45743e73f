// `greenlight init` asking for channel settings: which channels (unless --channels names them), then
// each channel's own questions (src/channels/setup.ts), line by line from stdin — a terminal or a
// pipe. A channel's section is checked against its own schema before anything is written.
import { createInterface } from 'node:readline';
import { SETUPS, setupFor, type ChannelSetup } from '../channels/setup.js';

/** What `init` asked about channels: their sections, and what they add to the approver it creates. */
export interface ChannelAnswers {
  sections: Record<string, Record<string, unknown>>;
  approver: Record<string, unknown>;
}

export interface Io {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The channel names of `--channels a,b`, or an error naming the ones init does not know. */
export function parseChannelList(value: string): { channels: ChannelSetup[] } | { error: string } {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !setupFor(n));
  if (unknown.length) return { error: `init cannot set up ${unknown.join(', ')}; it knows ${SETUPS.map((s) => s.channel).join(', ')}.` };
  return { channels: [...new Set(names)].map((n) => setupFor(n)!) };
}

/** Reads lines one at a time; null at the end of the input. */
function lineReader(io: Io) {
  const rl = createInterface({ input: io.input, terminal: false });
  const lines: string[] = [];
  const waiting: ((l: string | null) => void)[] = [];
  let closed = false;
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    closed = true;
    while (waiting.length) waiting.shift()!(null);
  });
  return {
    next: (): Promise<string | null> => (lines.length ? Promise.resolve(lines.shift()!) : closed ? Promise.resolve(null) : new Promise((r) => waiting.push(r))),
    close: () => rl.close(),
  };
}

/**
 * Asks for `chosen` channels' settings (or, with null, which channels first). Throws with a message
 * when the input ends early or an answer cannot be used after three tries.
 */
export async function askChannels(chosen: ChannelSetup[] | null, approver: string, io: Io): Promise<ChannelAnswers & { next: string[] }> {
  const lines = lineReader(io);
  const say = (s: string) => io.output.write(s);
  const ask = async (prompt: string): Promise<string> => {
    say(prompt);
    const line = await lines.next();
    if (line === null) throw new Error('the input ended before every question was answered');
    return line.trim();
  };
  try {
    if (chosen === null) {
      say(`Channels init can set up:\n${SETUPS.map((s) => `  ${s.channel.padEnd(10)} ${s.summary}`).join('\n')}\n`);
      const picked = parseChannelList(await ask('Channels to set up now (comma-separated; empty for none): '));
      if ('error' in picked) throw new Error(picked.error);
      chosen = picked.channels;
    }
    const out: ChannelAnswers & { next: string[] } = { sections: {}, approver: {}, next: [] };
    for (const setup of chosen) {
      say(`\n${setup.channel}: ${setup.summary}\n`);
      const answers: Record<string, string> = {};
      for (const q of setup.questions) {
        if (q.when && !q.when(answers)) continue;
        for (let tries = 0; ; tries++) {
          const given = await ask(`${q.prompt}${q.default ? ` [${q.default}]` : q.optional ? ' (optional)' : ''}: `);
          const answer = given === '' ? (q.default ?? '') : given;
          const problem = answer === '' ? (q.optional ? null : 'an answer is needed') : (q.check?.(answer) ?? null);
          if (!problem) {
            if (answer !== '') answers[q.key] = answer;
            break;
          }
          if (tries >= 2) throw new Error(`${setup.channel}: ${q.prompt}: ${problem}`);
          say(`  ${problem}; try again.\n`);
        }
      }
      const { section, approver: identity } = setup.section(answers, approver);
      const checked = setup.schema.safeParse(section);
      if (!checked.success) throw new Error(`${setup.channel}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      out.sections[setup.channel] = section;
      Object.assign(out.approver, identity ?? {});
      out.next.push(`${setup.channel}: ${setup.next}`);
    }
    return out;
  } finally {
    lines.close();
  }
}
