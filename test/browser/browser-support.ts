import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { consoleDir } from '../../src/platform/http/console.js';
import { freePort } from '../support/processes.js';
import type { Config } from '../../src/platform/config.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Outside CI a machine without Chromium skips the browser suites (CI installs it and must run them). */
export const haveBrowser = fs.existsSync(CHROMIUM) && fs.existsSync(path.join(consoleDir, 'index.html'));
if (!haveBrowser && process.env.CI)
  throw new Error(`browser tests need ${CHROMIUM} and a console build (npm run build:web)`);
if (!haveBrowser) console.warn(`skipping browser tests: no ${CHROMIUM} or no console build`);

const screenshots = path.resolve('test-results');

export interface BrowserWorld {
  t: TestApp;
  /** The SMTP test server (startBrowserWorld({ smtp: false }): none, mail goes to the built-in mailbox). */
  smtp: TestSmtpServer;
  browser: Browser;
  baseUrl: string;
  /** A fresh browser context (own cookies) at a viewport, with a page in it (timezoneId: the browser's clock). */
  newPage(options?: { width?: number; height?: number; locale?: string; timezoneId?: string }): Promise<Page>;
  /** What the Content-Security-Policy blocked on any page of this world (close() fails unless none). */
  cspViolations: string[];
  close(): Promise<void>;
}

/**
 * Liaison listening on a free port (links in mail point at it), an SMTP server, headless Chromium.
 * `smtp: false` starts no SMTP server: Liaison then keeps its mail in the built-in mailbox.
 * `config` overrides settings of the app (e.g. the bounce domain and its inbound SMTP port).
 */
export async function startBrowserWorld(
  options: { smtp?: boolean; config?: Partial<Config> } = {},
): Promise<BrowserWorld> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const smtp = options.smtp === false ? undefined : await startSmtpServer();
  const t = await startTestApp({ smtpUrl: smtp?.url, publicUrl: baseUrl, ...options.config });
  await t.app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const cspViolations: string[] = [];
  return {
    t,
    browser,
    baseUrl,
    cspViolations,
    get smtp(): TestSmtpServer {
      if (!smtp) throw new Error('this browser world was started without an SMTP server');
      return smtp;
    },
    async newPage({
      width = 1280,
      height = 800,
      locale = 'en-GB',
      timezoneId,
    }: Parameters<BrowserWorld['newPage']>[0] = {}) {
      const context = await browser.newContext({
        viewport: { width, height },
        locale,
        baseURL: baseUrl,
        ...(timezoneId ? { timezoneId } : {}),
      });
      // Chromium reports what the CSP blocked on the console and as an event: keep both.
      await context.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (e) =>
          console.error(
            `Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`,
          ),
        ),
      );
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
          cspViolations.push(`${page.url()}: ${message.text()}`);
      });
      return page;
    },
    async close() {
      await browser.close();
      await t.close();
      await smtp?.close();
      expect(cspViolations, 'what the Content-Security-Policy blocked').toEqual([]);
    },
  };
}

export async function signIn(page: Page, login: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel(/^(Login)$/).fill(login);
  await page.getByLabel(/^(Password)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Accedi)$/ }).click();
  await page.getByRole('navigation', { name: /^(Main|Principale)$/ }).waitFor();
}

/** Saves test-results/<name>.png (ignored by git). */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page: no serious or critical violation may remain. */
export async function expectAccessible(page: Page, where: string) {
  // Evaluated through DevTools, not as an inline <script>: the console's CSP rightly refuses those.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} at ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  });
  expect(violations, `accessibility of ${where}`).toEqual([]);
}
