// Bash rule patterns (Claude Code syntax) and the forms of one simple command they are matched against.
//   `Bash(npm run build)` exact · `Bash(npm run test *)` a space before a trailing `*` is a word boundary
//   and the arguments are optional · legacy `Bash(npm run test:*)` is the same · `*` anywhere else
//   matches any characters.
// Wrappers (timeout, time, nice, nohup, stdbuf, command, builtin, env, flag-less xargs) and leading
// VAR=x assignments are looked through: allow rules must match the inner command; deny/ask rules match
// every layer. sudo/doas are looked through for deny/ask only.
import type { SimpleCommand } from './bash-parser.js';
import type { Word } from './bash-words.js';

export function compileCommandPattern(spec: string): RegExp {
  let s = spec.trim().replace(/\s+/g, ' ');
  let optionalTail = false;
  if (s.endsWith(':*') || (s.length > 2 && s.endsWith(' *'))) {
    s = s.slice(0, -2).trimEnd();
    optionalTail = true;
  }
  if (s === '') throw new Error(`command pattern "${spec}" is empty`);
  const body = s.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
  return new RegExp('^' + body + (optionalTail ? '(?: [\\s\\S]*)?' : '') + '$');
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./~^*?!{}#\-[\]]+$/;

/** One word as it appears in the canonical command string that rules are matched against. */
export function renderWord(w: Word): string {
  if (w.stdin) return '…';
  if (w.dynamic) return w.raw;
  if (SAFE_WORD.test(w.value)) return w.value;
  return "'" + w.value.replace(/'/g, "'\\''") + "'";
}

export function renderWords(words: Word[]): string {
  return words.map(renderWord).join(' ');
}

export function basename(name: string): string {
  const i = name.lastIndexOf('/');
  return i === -1 ? name : name.slice(i + 1);
}

/** Variables that change what a command runs or loads: an assignment to them is never looked through. */
export const RISKY_VARIABLE = /^(PATH|LD_\w+|DYLD_\w+|BASH_ENV|ENV|IFS|PS4|PROMPT_COMMAND|SHELLOPTS|BASHOPTS|BASH_FUNC_\S*|NODE_OPTIONS|NODE_PATH|PYTHONSTARTUP|PYTHONPATH|PYTHONHOME|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|GIT_\w+|SSH_ASKPASS|SUDO_ASKPASS|PAGER|MANPAGER|EDITOR|VISUAL|HOME|ZDOTDIR|XDG_CONFIG_HOME|npm_config_\w+|NPM_CONFIG_\w+)$/;

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox']);
const STRING_RUNNERS = new Set([
  'eval', 'source', '.', 'exec', 'trap', 'coproc', 'watch', 'fc', 'su', 'runuser', 'script', 'alias', 'enable', 'hash',
]);
// git options and subcommands that run a command given on the command line (or via config).
const GIT_RISKY_CONFIG = /^(alias\.|core\.(pager|sshcommand|fsmonitor|hookspath|editor|askpass|gitproxy)|.*\.(command|cmd|textconv|helper|program|clean|smudge|process|external)$|sequence\.editor|diff\.external|uploadpack\.|protocol\.|include)/i;
const SUDOS = new Set(['sudo', 'doas']);
const MAX_LAYERS = 16;

export interface CommandForms {
  /** Canonical strings deny/ask/dangerous rules are matched against (full form, every layer, basenames). */
  matchForms: string[];
  /** The one form an allow rule must match; null when the command can never be auto-allowed. */
  allowForm: string | null;
  allowWords: Word[];
  /** Innermost argv, through sudo too (for the dangerous-action guard). */
  inner: Word[];
  /** Every argv layer, outermost first. */
  layers: Word[][];
  viaSudo: boolean;
  /** Reasons this command can never be auto-allowed. */
  unsafe: string[];
}

export function commandForms(cmd: SimpleCommand): CommandForms {
  const unsafe: string[] = [];
  for (const a of cmd.assignments) {
    if (RISKY_VARIABLE.test(a.name)) unsafe.push(`sets ${a.name}, which changes what the command runs`);
  }
  const layers: Word[][] = [];
  let words = cmd.words;
  let sudoLayer = -1;
  while (words.length > 0) { // each unwrap drops at least one word, so this ends
    layers.push(words);
    const name = words[0];
    if (name.dynamic || name.glob || name.brace) {
      unsafe.push(`the command name ${name.raw} is computed at run time`);
      break;
    }
    const base = basename(name.value);
    if (SUDOS.has(base) && sudoLayer === -1) sudoLayer = layers.length - 1;
    const r = unwrap(base, words, unsafe);
    if (!r) break;
    words = r;
  }
  if (layers.length > MAX_LAYERS) unsafe.push('too many nested wrappers to look through');
  for (const layer of layers) checkStringRunner(layer, unsafe);
  const inner = layers.length ? layers[layers.length - 1] : [];
  const allowWords = sudoLayer >= 0 ? layers[sudoLayer] : inner;
  const forms = new Set<string>();
  if (cmd.assignments.length && cmd.words.length) {
    forms.add(cmd.assignments.map((a) => `${a.name}=${a.value ? renderWord(a.value) : ''}`).join(' ') + ' ' + renderWords(cmd.words));
  }
  for (const layer of layers) {
    forms.add(renderWords(layer));
    const n = layer[0];
    if (!n.dynamic && n.value.includes('/')) forms.add(renderWords([{ ...n, value: basename(n.value) }, ...layer.slice(1)]));
  }
  return {
    matchForms: [...forms],
    allowForm: unsafe.length || allowWords.length === 0 ? null : renderWords(allowWords),
    allowWords,
    inner,
    layers,
    viaSudo: sudoLayer >= 0,
    unsafe,
  };
}

function isFlag(w: Word | undefined): boolean {
  return !!w && !w.dynamic && w.value.startsWith('-') && w.value !== '-';
}

/** The wrapped argv, or null when `base` is not a wrapper (or wraps nothing). Pushes a reason when unsure. */
function unwrap(base: string, words: Word[], unsafe: string[]): Word[] | null {
  let i = 1;
  const at = (k: number) => words[k]?.value ?? '';
  const skipOptions = (withValue: string[], longWithValue: string[], known: RegExp): boolean => {
    while (i < words.length && isFlag(words[i])) {
      const v = at(i);
      if (v === '--') { i++; return true; }
      if (withValue.includes(v) || longWithValue.includes(v)) { i += 2; continue; }
      if (known.test(v)) { i++; continue; }
      unsafe.push(`cannot look through \`${base} ${v}\``);
      return false;
    }
    return true;
  };
  switch (base) {
    case 'timeout':
      if (!skipOptions(['-s', '-k'], ['--signal', '--kill-after'], /^(-v|--verbose|--foreground|--preserve-status|--signal=.*|--kill-after=.*|-s\w+|-k[\d.]+\w?)$/)) return null;
      i++; // duration
      break;
    case 'time':
      if (!skipOptions([], [], /^-p$/)) return null;
      break;
    case 'nice':
      if (!skipOptions(['-n'], ['--adjustment'], /^(-n-?\d+|-\d+|--adjustment=.*)$/)) return null;
      break;
    case 'nohup':
    case 'builtin':
      if (at(1) === '--') i = 2;
      break;
    case 'stdbuf':
      if (!skipOptions(['-i', '-o', '-e'], ['--input', '--output', '--error'], /^(-[ioe]\w+|--(input|output|error)=.*)$/)) return null;
      break;
    case 'command':
      if (words.slice(1).some((w) => /^-\w*[vV]/.test(w.value))) return null; // lookup, runs nothing
      if (!skipOptions([], [], /^-p$/)) return null;
      break;
    case 'env':
      if (!skipOptions(['-u'], ['--unset'], /^(-i|-|--ignore-environment|-0|--null|-u\S+|--unset=.*)$/)) return null;
      while (i < words.length && !words[i].dynamic && /^[A-Za-z_]\w*=/.test(at(i))) {
        const name = at(i).split('=')[0];
        if (RISKY_VARIABLE.test(name)) unsafe.push(`sets ${name}, which changes what the command runs`);
        i++;
      }
      break;
    case 'xargs':
      if (isFlag(words[1])) {
        unsafe.push('xargs with options: the policy cannot tell which command it runs');
        return null;
      }
      if (words.length < 2) return null;
      return [...words.slice(1), { value: '…', raw: '…', dynamic: true, glob: false, tilde: false, brace: false, stdin: true }];
    case 'sudo':
    case 'doas':
      while (i < words.length && isFlag(words[i])) {
        const v = at(i);
        if (v === '--') { i++; break; }
        if (/^-[A-Za-z]*[is]/.test(v) || v === '--login' || v === '--shell') {
          unsafe.push(`\`${base} ${v}\` starts a shell`);
          return null;
        }
        if (/^-[ugpCDrtUTh]$/.test(v) || /^--(user|group|prompt|close-from|chdir|role|type|other-user|command-timeout|host)$/.test(v)) i += 2;
        else i++;
      }
      break;
    default:
      return null;
  }
  return i < words.length ? words.slice(i) : null;
}

function checkStringRunner(words: Word[], unsafe: string[]): void {
  const name = words[0];
  if (!name || name.dynamic) return;
  const base = basename(name.value);
  if (STRING_RUNNERS.has(base)) {
    unsafe.push(`\`${base}\` runs commands the policy cannot see`);
    return;
  }
  if (base === 'git') {
    checkGit(words.slice(1), unsafe);
    return;
  }
  if (!SHELLS.has(base)) return;
  let args = words.slice(1);
  let shell = base;
  if (base === 'busybox') {
    if (!args[0] || !SHELLS.has(args[0].value)) return;
    shell = args[0].value;
    args = args.slice(1);
  }
  let operand = false;
  for (const a of args) {
    if (a.dynamic) { operand = true; break; }
    if (a.value === '--') continue;
    if (/^-[A-Za-z]*c/.test(a.value) || /^-[A-Za-z]*[si]/.test(a.value) || a.value === '--command') {
      unsafe.push(`\`${shell} ${a.value}\` runs a string or stdin as a script`);
      return;
    }
    if (!a.value.startsWith('-') && !a.value.startsWith('+')) { operand = true; break; }
  }
  if (!operand) unsafe.push(`\`${shell}\` without a script file reads commands from stdin`);
}

function checkGit(args: Word[], unsafe: string[]): void {
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    const config = v === '-c' || v === '--config-env' ? args[i + 1]?.value ?? '' : v.startsWith('--config-env=') ? v.slice(13) : null;
    if (config !== null && (args[i + 1]?.dynamic || GIT_RISKY_CONFIG.test(config))) {
      unsafe.push(`\`git -c ${config}\` can make git run a command`);
      return;
    }
    if (/^(--upload-pack|--receive-pack|--exec|--extcmd|--(tree|index|msg|env|commit|parent|tag-name|subdirectory)-filter)(=|$)/.test(v) ||
      (v === '-x' && args.some((a) => a.value === 'rebase')) ||
      (v === 'run' && args.some((a) => a.value === 'bisect')) || (v === 'foreach' && args.some((a) => a.value === 'submodule'))) {
      unsafe.push(`\`git ... ${v}\` runs a command given on the command line`);
      return;
    }
  }
}

/** Words of the commands `find ... -exec CMD ... ;` runs (each must be allowed on its own). */
export function findExecCommands(words: Word[]): Word[][] {
  if (!words[0] || basename(words[0].value) !== 'find') return [];
  const out: Word[][] = [];
  for (let i = 1; i < words.length; i++) {
    if (/^-(exec|execdir|ok|okdir)$/.test(words[i].value)) {
      const start = i + 1;
      let j = start;
      while (j < words.length && words[j].value !== ';' && words[j].value !== '+') j++;
      if (j > start) out.push(words.slice(start, j));
      i = j;
    }
  }
  return out;
}
