// Rule syntax, as Claude Code writes it:
//   Tool                      every use of the tool (or a plain action type such as `deploy`)
//   Bash(npm run test *)      see command-match.ts
//   Read(./src/**)  Edit(//abs/**)  Read(~/p)  Edit(/p relative to the project)   see path-match.ts
//   WebFetch(domain:example.com)  WebFetch(domain:*.example.com)
//   mcp__server  mcp__server__*  mcp__server__tool
//   Other(spec)               spec is a glob over the action's top-level string fields
// Read rules also cover Glob, Grep and LS; Edit rules cover Write, MultiEdit and NotebookEdit.
import { compileCommandPattern } from './command-match.js';
import { compileDomain } from './domain-match.js';
import { compilePathPattern } from './path-match.js';
import type { ParsedRule } from './types.js';

export const READ_TOOLS = ['Read', 'Glob', 'Grep', 'LS'];
export const WRITE_TOOLS = ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'];
const PATH_TOOLS = new Set([...READ_TOOLS, ...WRITE_TOOLS]);
const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** Parse and compile one rule. Throws an Error that says what is wrong and how to write it. */
export function parseRule(rule: string): ParsedRule {
  if (typeof rule !== 'string') throw new Error('a rule must be a string such as "Bash(git status)"');
  const s = rule.trim();
  if (!s) throw new Error('empty rule: write a tool name such as "Read" or "Bash(npm test)"');
  const open = s.indexOf('(');
  let tool = s;
  let spec: string | null = null;
  if (open !== -1) {
    if (!s.endsWith(')')) throw new Error(`rule "${rule}": missing the closing ")"`);
    tool = s.slice(0, open).trim();
    spec = s.slice(open + 1, -1);
    if (spec.trim() === '') throw new Error(`rule "${rule}": empty parentheses; write "${tool}" to match every use`);
    spec = spec.trim();
  } else if (s.includes(')')) {
    throw new Error(`rule "${rule}": ")" without "("`);
  }
  const base = { raw: s, tool, specifier: spec };
  if (tool.startsWith('mcp__')) {
    if (spec !== null) throw new Error(`rule "${rule}": MCP rules take no parentheses; write mcp__server or mcp__server__tool`);
    const parts = tool.split('__');
    if (parts.length < 2 || parts.length > 3 || !parts[1] || parts[2] === '') {
      throw new Error(`rule "${rule}": write mcp__server, mcp__server__* or mcp__server__tool`);
    }
    if (parts.some((p) => !/^[A-Za-z0-9_.*-]*$/.test(p)) || parts[1].includes('*')) {
      throw new Error(`rule "${rule}": only the tool part of an MCP rule may be "*"`);
    }
    const esc = (p: string) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*');
    const re = parts.length === 2 ? `^mcp__${esc(parts[1])}(__.+)?$` : `^mcp__${esc(parts[1])}__${esc(parts[2])}$`;
    return { ...base, kind: 'mcp', toolRe: new RegExp(re) };
  }
  if (tool === '*' || tool.includes('*')) {
    throw new Error(`rule "${rule}": a tool name cannot be a wildcard (only mcp__server__* can)`);
  }
  if (!TOOL_NAME.test(tool)) throw new Error(`rule "${rule}": "${tool}" is not a tool name`);
  if (spec === null) return { ...base, kind: 'tool' };
  const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
  try {
    if (tool === 'Bash') return { ...base, kind: 'bash', commandRe: compileCommandPattern(spec) };
    if (PATH_TOOLS.has(tool)) return { ...base, kind: 'path', path: compilePathPattern(spec) };
    if (tool === 'WebFetch') {
      if (!spec.startsWith('domain:')) throw new Error('WebFetch rules match hosts: write WebFetch(domain:example.com)');
      return { ...base, kind: 'domain', domain: compileDomain(spec.slice('domain:'.length)) };
    }
  } catch (e) {
    throw new Error(`rule "${rule}": ${why(e)}`, { cause: e });
  }
  const re = spec.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return { ...base, kind: 'generic', genericRe: new RegExp('^' + re + '$', 's') };
}

const cache = new Map<string, ParsedRule | Error>();
const CACHE_LIMIT = 5000;

/** parseRule memoized (rules are evaluated on every request). Returns the Error instead of throwing. */
export function compiledRule(rule: string): ParsedRule | Error {
  let r = cache.get(rule);
  if (r === undefined) {
    try {
      r = parseRule(rule);
    } catch (e) {
      r = e instanceof Error ? e : new Error(String(e));
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(rule, r);
  }
  return r;
}

/** Does a rule of this tool name apply to an action of that tool? (Read covers the read family, Edit the write family.) */
export function ruleAppliesTo(rule: ParsedRule, tool: string): boolean {
  if (rule.toolRe) return rule.toolRe.test(tool);
  if (rule.tool === tool) return true;
  if (rule.tool === 'Read') return READ_TOOLS.includes(tool);
  if (rule.tool === 'Edit') return WRITE_TOOLS.includes(tool);
  return false;
}
