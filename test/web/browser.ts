// Real Chromium (Debian's, driven by playwright-core) against a real server with the dashboard.
// One browser per test file; screenshots go to test-artifacts/web/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { KEYS, startTestServer, type Role, type TestServer } from '../helpers/harness.js';
import { webChannel } from '../../src/web/web-channel.js';
import type { ServerOptions } from '../../src/server.js';

/** Debian's Chromium (package `chromium`, in .ci/apt-packages); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'web');

/** Launches Chromium; a missing browser fails at once (synchronously), naming the package. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the dashboard tests need Debian's "chromium" package (apt-get install chromium; CI installs it from .ci/apt-packages).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
}

/**
 * Chromium and a dashboard server for one test file. If either fails to start, the other is
 * closed again, so the file fails with the reason instead of hanging on an open server.
 */
export async function startBrowserAndServer(overrides: Record<string, unknown> = {}, options: ServerOptions & { dataDir?: string } = {}): Promise<[Browser, TestServer]> {
  const launched = launchChromium();
  const [browser, server] = await Promise.allSettled([launched, startDashboardServer(overrides, options)]);
  if (browser.status === 'fulfilled' && server.status === 'fulfilled') return [browser.value, server.value];
  if (browser.status === 'fulfilled') await browser.value.close().catch(() => {});
  if (server.status === 'fulfilled') await server.value.stop().catch(() => {});
  throw browser.status === 'rejected' ? browser.reason : (server as PromiseRejectedResult).reason;
}

/** A test server with the dashboard mounted. */
export function startDashboardServer(overrides: Record<string, unknown> = {}, options: ServerOptions & { dataDir?: string } = {}): Promise<TestServer> {
  // No policy unless a test brings one: every request waits for a human.
  return startTestServer(overrides, { channels: [webChannel], policy: () => null, ...options });
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Console errors, CSP violations and uncaught exceptions seen so far. */
  problems: string[];
}

export async function openTab(browser: Browser, options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; isMobile?: boolean; hasTouch?: boolean } = {}): Promise<Tab> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 860 }, colorScheme: options.colorScheme ?? 'light', isMobile: options.isMobile, hasTouch: options.hasTouch, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // 401/403 are answers the page handles; 404/405 from /v1/ are the optional policy API probes.
    const expected = /status of 40[13]/.test(m.text()) || (/status of 40[45]/.test(m.text()) && m.location().url.includes('/v1/'));
    if (m.type() === 'error' && !expected) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, context, problems };
}

/** Signs in through the page with a role's key and waits for the queue. */
export async function signIn(tab: Tab, server: TestServer, role: Role = 'approver'): Promise<void> {
  await tab.page.goto(`${server.url}/`);
  await tab.page.fill('#signin-key', KEYS[role]);
  await tab.page.click('form.signin button[type=submit]');
  await tab.page.waitForSelector('nav.nav');
  await tab.page.waitForSelector('body[data-live="on"]');
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Files a request as an agent over the API; returns its id. */
export async function fileRequest(server: TestServer, body: Record<string, unknown>, role: Role = 'agent'): Promise<string> {
  const res = await server.call(role, 'POST', '/v1/requests', body);
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

export const bashRequest = (command: string, extra: Record<string, unknown> = {}) => ({
  title: `Run ${command.split(' ')[0]}`,
  action_type: 'shell',
  tool: 'Bash',
  input: { command, description: 'from the test' },
  preview: command,
  session_id: 'sess-1',
  cwd: '/home/dev/app',
  ...extra,
});

export function assertNoProblems(tab: Tab): void {
  assert.deepEqual(tab.problems, [], 'the page logged errors (CSP violations show up here)');
}

// Small reads of the page. The callbacks run in the browser; this code is type-checked without the
// DOM library, hence `globalThis as any`.
export const dataIds = (page: Page, selector: string): Promise<string[]> => page.$$eval(selector, (els: any[]) => els.map((e) => e.getAttribute('data-id')));
export const activeId = (page: Page): Promise<string | undefined> => page.evaluate(() => (globalThis as any).document.activeElement?.id);
export const waitTitle = (page: Page, title: string) => page.waitForFunction((t) => (globalThis as any).document.title === t, title);
export const waitCount = (page: Page, selector: string, n: number) => page.waitForFunction(([s, c]) => (globalThis as any).document.querySelectorAll(s).length === c, [selector, n] as const);

/** Form controls and buttons without an accessible name (label, aria-label, or text). */
export const unnamedControls = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const d = (globalThis as any).document;
    const named = (el: any) => {
      if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return true;
      if (el.tagName === 'BUTTON' || el.tagName === 'A') return el.textContent.trim() !== '';
      return el.labels && el.labels.length > 0;
    };
    return [...d.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')].filter((el: any) => !named(el)).map((el: any) => el.outerHTML.slice(0, 100));
  });
