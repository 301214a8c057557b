import { expect, test, type Page } from '@playwright/test';

/**
 * Smoke test of the application shell: the page renders on the server, hydrates in the browser without
 * errors, and the health endpoints answer.
 */

/** Collects console errors and uncaught page errors from the moment it is called. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const where = msg.location().url;
      errors.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    }
  });
  page.on('pageerror', (err) => {
    errors.push(`pageerror: ${err.message}`);
  });
  return errors;
}

test.describe('application shell', () => {
  test('the home page renders, hydrates and toggles the theme without errors', async ({ page }) => {
    const errors = collectErrors(page);

    await page.goto('/');

    await expect(page).toHaveTitle(/Ticklist/);
    await expect(page.getByRole('heading', { name: /Ticklist/ }).first()).toBeVisible();

    // The app sets data-hydrated="true" on <body> once the WASM bundle has hydrated the page;
    // the theme toggle only works after that.
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);

    const html = page.locator('html');
    const before = await html.getAttribute('data-theme');
    // No attribute means the default (light) theme: Playwright's default colour scheme is light.
    const toggled = before === 'dark' ? 'light' : 'dark';

    const toggle = page.getByTestId('theme-toggle');
    await expect(toggle).toBeVisible();
    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', toggled);

    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', toggled === 'dark' ? 'light' : 'dark');

    expect(errors, 'no console errors or page errors').toEqual([]);
  });

  test('the health and readiness endpoints answer 200', async ({ request }) => {
    const health = await request.get('/healthz');
    expect(health.status()).toBe(200);

    const ready = await request.get('/readyz');
    expect(ready.status()).toBe(200);
  });
});
