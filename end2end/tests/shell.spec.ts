import type { Page } from '@playwright/test';

import { hydrated } from './support/app';
import { SignInPage } from './support/auth';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

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
    // The brand in the header (signed out, `/` shows the sign-in page).
    await expect(page.getByRole('link', { name: 'Ticklist' })).toBeVisible();

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

  test('a chosen theme is kept: later pages come from the server already in it', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('/sign-in');
    await hydrated(page);
    const html = page.locator('html');
    const toggle = page.getByTestId('theme-toggle');
    await expect(toggle).toHaveAttribute('aria-pressed', 'mixed'); // following the system
    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'dark'); // Playwright's system scheme is light

    const response = await page.goto('/sign-up');
    expect(await response!.text(), 'the server renders the chosen theme').toMatch(/<html[^>]*data-theme="dark"/);
    await hydrated(page);
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'light');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');

    await page.reload();
    await expect(html).toHaveAttribute('data-theme', 'light');
    expect(errors, 'no console errors or page errors').toEqual([]);
  });

  test('the health and readiness endpoints answer 200', async ({ request }) => {
    const health = await request.get('/healthz');
    expect(health.status()).toBe(200);

    const ready = await request.get('/readyz');
    expect(ready.status()).toBe(200);
  });

  test('signed-out visitors of a board view are sent to sign in and come back to that view', async ({ page, baseURL }) => {
    const user = newUser('shell');
    await signUpByApi(page.request, baseURL!, user);
    await page.context().clearCookies();

    await page.goto('/?status=pending&sort=title&order=asc');
    await expect(page).toHaveURL(/\/sign-in\?next=%2F%3Fstatus%3Dpending%26sort%3Dtitle%26order%3Dasc$/);
    const signIn = new SignInPage(page);
    await signIn.expectShown();
    await signIn.signIn(user);
    await expect(page).toHaveURL(/\/\?status=pending&sort=title&order=asc$/);
    await new TaskBoard(page).expectShown();
  });

  test('an unknown address answers 404 with the not-found page', async ({ page, request }) => {
    const direct = await request.get('/no-such-page', { headers: { Accept: 'text/html' } });
    expect(direct.status()).toBe(404);
    expect(direct.headers()['content-type']).toContain('text/html');

    const errors = collectErrors(page);
    const response = await page.goto('/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle('Not found · Ticklist');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await hydrated(page);
    await page.getByRole('link', { name: 'Go to your tasks' }).click();
    await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
    // Chromium reports the 404 of the document itself as a console error; anything else is a real error.
    const others = errors.filter((e) => !e.includes('status of 404') || !e.includes('/no-such-page'));
    expect(others, 'no console errors or page errors').toEqual([]);
  });

  test('unknown API paths answer 404 with a problem document', async ({ request }) => {
    const response = await request.get('/api/no-such-thing');
    expect(response.status()).toBe(404);
    expect(response.headers()['content-type']).toContain('application/problem+json');
    expect((await response.json()).status).toBe(404);
  });
});
