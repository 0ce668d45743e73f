// Drives an agent CLI's interactive terminal UI through a real pseudo-terminal (@lydell/node-pty,
// prebuilt, from test/hosts): what a person at the terminal sees and types. The screen text is the
// output with escape sequences and spaces removed (TUIs position words with cursor moves), so
// patterns are written without spaces: /Doyouwanttoproceed/.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HOSTS_DIR } from './host-kit.js';

interface Pty {
  onData(cb: (d: string) => void): void;
  onExit(cb: (e: { exitCode: number }) => void): void;
  write(d: string): void;
  kill(signal?: string): void;
  pid: number;
}

const require = createRequire(join(HOSTS_DIR, 'package.json'));

export interface Tui {
  /** Everything shown so far, without escapes or whitespace. */
  screen(): string;
  /** Resolves when the screen (from `from` on) matches; fails with the screen after `ms`. */
  waitFor(pattern: RegExp, ms?: number, from?: number): Promise<void>;
  /** How much screen there is now (pass to waitFor to look only at what comes after). */
  mark(): number;
  type(keys: string): void;
  exited: Promise<number>;
  kill(): void;
}

const clean = (s: string) =>
  s
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-9;?<>=]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[@-_]/g, '')
    .replace(/\s+/g, '');

export function startTui(file: string, args: string[], opts: { cwd: string; env: Record<string, string | undefined> }): Tui {
  const pty = require('@lydell/node-pty') as { spawn(file: string, args: string[], o: object): Pty };
  // An undefined value must leave the variable out (node-pty would pass the string "undefined").
  const env = Object.fromEntries(Object.entries({ TERM: 'xterm-256color', ...opts.env }).filter(([, v]) => v !== undefined));
  const term = pty.spawn(file, args, { name: 'xterm-256color', cols: 160, rows: 50, cwd: opts.cwd, env });
  let raw = '';
  let text = '';
  const watchers = new Set<() => void>();
  term.onData((d) => {
    raw += d;
    text = clean(raw);
    for (const w of watchers) w();
  });
  const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
  return {
    screen: () => text,
    mark: () => text.length,
    waitFor(pattern, ms = 60_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(text.slice(from))) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`the terminal never showed ${pattern} within ${ms} ms; it shows:\n…${text.slice(-1500)}`));
        }, ms);
        watchers.add(check);
        check();
      });
    },
    type: (keys) => term.write(keys),
    exited,
    kill: () => {
      try {
        term.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
