/**
 * The `test` all specs use: Playwright's, plus a watch on the WASM app. A Rust panic in the browser
 * (logged as `panicked at …`) or an uncaught page error fails the test with the panic message attached,
 * even when the test's own assertions happen to pass or fail for a less telling reason.
 */
import { expect, test as base } from '@playwright/test';

export const test = base.extend<{ appPanics: string[] }>({
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
});

export { expect };
