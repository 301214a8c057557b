/**
 * The `test` all specs use: Playwright's, plus two watches on the page.
 *
 * - A Rust panic in the browser (logged as `panicked at …`) or an uncaught page error fails the test
 *   with the panic message attached, even when the test's own assertions happen to pass or fail for a
 *   less telling reason.
 * - A Content-Security-Policy violation fails the test too: the server sends a strict nonce policy on
 *   every page, and anything it blocks (an inline script without the nonce, an `eval`, a style or a
 *   connection to another origin) is a part of the app that silently stopped working. Chromium reports
 *   each violation twice: a console message ("Refused to … because it violates the following Content
 *   Security Policy directive …"), which survives navigations, and a `securitypolicyviolation` DOM event,
 *   which an init script records in `window.__cspViolations` (read back at the end of the test).
 */
import { expect, type Page, test as base } from '@playwright/test';

/** What the init script records for each `securitypolicyviolation` event. */
interface RecordedViolation {
  directive: string;
  blocked: string;
  source: string;
  sample: string;
  page: string;
}

declare global {
  interface Window {
    __cspViolations?: RecordedViolation[];
  }
}

/** Runs in every document before its own scripts: records CSP violations on `window.__cspViolations`. */
function recordCspViolations(): void {
  const recorded: RecordedViolation[] = [];
  Object.defineProperty(window, '__cspViolations', { value: recorded, configurable: true });
  document.addEventListener(
    'securitypolicyviolation',
    (event) => {
      recorded.push({
        directive: event.effectiveDirective || event.violatedDirective,
        blocked: event.blockedURI,
        source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : '',
        sample: event.sample,
        page: event.documentURI,
      });
    },
    true,
  );
}

/** Whether a console message is Chromium's report of a CSP violation. */
export function isCspMessage(text: string): boolean {
  return text.includes('Content Security Policy') || text.includes('Content-Security-Policy');
}

/** The violations the current document recorded (empty when the page is gone or cannot be read). */
async function recordedViolations(page: Page): Promise<string[]> {
  if (page.isClosed()) return [];
  try {
    const recorded = await page.evaluate(() => window.__cspViolations ?? []);
    return recorded.map(
      (v) =>
        `securitypolicyviolation: ${v.directive} blocked ${v.blocked || '(inline)'} on ${v.page}` +
        `${v.source ? ` at ${v.source}` : ''}${v.sample ? ` sample: ${v.sample}` : ''}`,
    );
  } catch {
    // The page crashed, is navigating, or its context is closing: the console messages still count.
    return [];
  }
}

export const test = base.extend<{ appPanics: string[]; cspViolations: string[] }>({
  appPanics: [
    async ({ page }, use, testInfo) => {
      const panics: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && message.text().includes('panicked at')) panics.push(message.text());
      });
      page.on('pageerror', (error) => panics.push(`pageerror: ${error.message}`));
      await use(panics);
      if (panics.length > 0) {
        await testInfo.attach('app-panics.txt', { body: panics.join('\n\n'), contentType: 'text/plain' });
      }
      expect(
        panics.map((text) => text.split('\n').slice(0, 2).join(' ')),
        'the app in the browser did not panic',
      ).toEqual([]);
    },
    { auto: true },
  ],
  cspViolations: [
    async ({ page }, use, testInfo) => {
      const violations: string[] = [];
      page.on('console', (message) => {
        const text = message.text();
        if (isCspMessage(text)) {
          const where = message.location().url;
          violations.push(`console.${message.type()}: ${text}${where ? ` (${where})` : ''}`);
        }
      });
      await page.addInitScript(recordCspViolations);
      await use(violations);
      violations.push(...(await recordedViolations(page)));
      if (violations.length > 0) {
        await testInfo.attach('csp-violations.txt', { body: violations.join('\n\n'), contentType: 'text/plain' });
      }
      expect(violations, 'the page reported no Content-Security-Policy violation').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
