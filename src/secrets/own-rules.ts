// Greenlight's own rules, beside gitleaks' (./gitleaks-rules.ts): shapes that agents' actions
// carry and that gitleaks, made to scan repositories, leaves to its generic rule or to `curl`
// alone — an Authorization header in any tool (httpie, wget, fetch code), a password in a URL
// (connection strings), a secret assigned to a variable whose name says so (`export
// AWS_SECRET_ACCESS_KEY=…`, `.env` lines, JSON and YAML keys), and a command-line flag that takes
// one (`--password=…`, `--token …`). A value that is a reference to something else (`$VAR`,
// `${VAR}`, `<placeholder>`, `{{template}}`) is not a secret: the global allowlist drops those.
import type { AllowList, ScannerRule } from './rule.js';

const NAMES = String.raw`[A-Za-z0-9_.-]*(?:secret|passw(?:or)?d|_pwd|passphrase|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|account[_-]?key|client[_-]?secret|credentials?|auth[_-]?key|session[_-]?key|signing[_-]?key)[A-Za-z0-9_.-]*`;
// A value: not a reference ($, <, {), not quoted-empty, no shell structure.
const VALUE = String.raw`((?![$<{(\x60])[^\s"'\x60;&|<>(){}]{4,})`;

export const OWN_RULES: ScannerRule[] = [
  {
    id: 'authorization-header',
    regex: String.raw`\b(?:proxy-)?authorization\s*["']?\s*[:=]\s*["']?\s*(?:bearer|basic|token|bot|apikey|api-key|sso-key)\s+["']?([A-Za-z0-9_~+/=.:@!%-]{6,})`,
    flags: 'i',
    keywords: ['authorization'],
  },
  {
    id: 'api-key-header',
    regex: String.raw`\b(?:x-)?(?:api[-_]?key|auth[-_]?token|access[-_]?token|private[-_]?token|x-vault-token|x-auth)\s*["']?\s*:\s*["']?([A-Za-z0-9_~+/=.:@!%-]{8,})`,
    flags: 'i',
    keywords: ['key', 'token', 'x-auth'],
  },
  {
    id: 'url-password',
    regex: String.raw`\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@"'\x60]{0,100}:([^\s/@"'\x60]{1,200})@[^\s/@]`,
    flags: 'i',
    keywords: ['://'],
  },
  {
    id: 'secret-assignment',
    regex: String.raw`(?:^|[\s;{,"'(=])["']?${NAMES}["']?\s*(?:=|:=|:|=>)\s*["']?${VALUE}`,
    flags: 'i',
    keywords: ['secret', 'passw', 'pwd', 'passphrase', 'token', 'key', 'credential'],
    allow: [{ target: 'secret', regexes: [String.raw`^\d+$`, String.raw`^(?:true|false|null|none|undefined|required|optional|string|number|boolean)$`, String.raw`^\*+$`], stopwords: [] }],
  },
  {
    id: 'secret-flag',
    regex: String.raw`(?:^|\s)--?(?:password|passwd|pass|token|api[-_]?key|secret|client[-_]secret|access[-_]key|secret[-_]key|auth[-_]token|private[-_]token)(?:=|\s+)["']?${VALUE}`,
    flags: 'i',
    keywords: ['pass', 'token', 'key', 'secret'],
    allow: [{ target: 'secret', regexes: [String.raw`^\d+$`, String.raw`^(?:stdin|env|file):`, String.raw`^-`], stopwords: [] }],
  },
];

/** Values that name a secret rather than hold one. */
export const REFERENCE_ALLOW: AllowList = {
  target: 'secret',
  regexes: [String.raw`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$`, String.raw`^<[^>]*>$`, String.raw`^\{\{.*\}\}$`, String.raw`^(?:x+|\*+|\.+|changeme|redacted|REDACTED|example|EXAMPLE)$`],
  stopwords: [],
};
