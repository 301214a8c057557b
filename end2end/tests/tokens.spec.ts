import type { Page, Request } from '@playwright/test';

import { cachedToken, DRAFT_KEY, jwtClaims } from './support/app';
import { AccountMenu, SignInPage } from './support/auth';
import { expect, test } from './support/fixtures';
import { SHORT_TOKEN_SECONDS, SHORT_TOKEN_URL } from './support/servers';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * Access tokens that expire while the page is open: against a server whose tokens live 4 s, the app
 * fetches new ones by itself while the session lasts, and sends the user to sign in (keeping what they
 * typed) once the session is gone.
 */

test.use({ baseURL: SHORT_TOKEN_URL });

/** The bearer token a request carried (`undefined` when none). */
async function bearerOf(request: Request): Promise<string | undefined> {
  const header = (await request.allHeaders())['authorization'];
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** Waits (for real: that is the point) until `token` has expired, plus a second. */
async function waitUntilExpired(page: Page, token: string): Promise<void> {
  const { exp, iat } = jwtClaims(token);
  expect(exp - iat, 'the server issues short-lived tokens').toBe(SHORT_TOKEN_SECONDS);
  const wait = exp * 1000 + 1000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
}

/** Waits until the app's cached token is due for refreshing (it is, at the latest, once expired). */
async function waitUntilTokenIsStale(page: Page): Promise<void> {
  const cached = await cachedToken(page);
  expect(cached, 'the app has cached an access token').not.toBeNull();
  await expect
    .poll(() => page.evaluate(() => Date.now() / 1000), {
      message: 'the cached token expires',
      timeout: (SHORT_TOKEN_SECONDS + 2) * 1000,
      intervals: [250],
    })
    .toBeGreaterThan(cached!.exp + 0.25);
}

test.describe('expiring access tokens', () => {
  test('actions keep working after the access token expires, with a fresh token fetched in the background', async ({
    page,
    baseURL,
  }) => {
    const user = newUser('refresh');
    await signUpByApi(page.request, baseURL!, user);
    const board = new TaskBoard(page);
    const account = new AccountMenu(page);

    const tokenFetches: number[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/auth/token') tokenFetches.push(Date.now());
    });

    await board.goto();
    const firstCreate = page.waitForRequest((r) => r.method() === 'POST' && /\/api\/[^/]+\/tasks$/.test(r.url()));
    await board.addTask({ title: 'Written before expiry' });
    const firstToken = await bearerOf(await firstCreate);
    expect(firstToken).toBeTruthy();

    await waitUntilExpired(page, firstToken!);
    const expiredAt = Date.now();

    await test.step('a REST call after expiry fetches a new token and succeeds', async () => {
      const toggled = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith('/complete'));
      await board.task('Written before expiry').toggleDone();
      const secondToken = await bearerOf(await toggled);
      expect(tokenFetches.some((at) => at >= expiredAt), 'a new token was fetched after expiry').toBe(true);
      expect(secondToken).toBeTruthy();
      expect(secondToken, 'the call carried a new token').not.toBe(firstToken);
      expect(jwtClaims(secondToken!).exp).toBeGreaterThan(expiredAt / 1000);
      await expect(board.task('Written before expiry').toggle).toBeChecked();
      await expect(board.itemsLeft).toHaveText('0 items left');
    });

    await test.step('a server function after the next expiry refreshes too', async () => {
      const cached = (await cachedToken(page))!;
      await waitUntilExpired(page, cached.token);
      const since = Date.now();
      const listed = page.waitForRequest((r) => r.url().includes('/api/fn/list_tasks'));
      const answered = page.waitForResponse((r) => r.url().includes('/api/fn/list_tasks'));
      await board.filterCompleted.click();
      const token = await bearerOf(await listed);
      expect((await answered).status()).toBe(200);
      expect(tokenFetches.some((at) => at >= since), 'a new token was fetched after expiry').toBe(true);
      expect(token).not.toBe(cached.token);
      await board.expectTitles(['Written before expiry']);
    });

    await test.step('still signed in: more changes work and are saved', async () => {
      await board.filterAll.click();
      await board.addTask({ title: 'Written after expiry' });
      await expect(page).toHaveURL(/\/(\?.*)?$/);
      await page.reload();
      await board.expectShown();
      await account.expectSignedInAs(user);
      await board.expectTitles(['Written after expiry', 'Written before expiry']);
      await expect(board.task('Written before expiry').toggle).toBeChecked();
    });
  });

  /** A fresh user, signed up and looking at the board (at `query`); with the sign-in page for later. */
  async function signedInOnBoard(page: Page, baseURL: string, query = '') {
    const user = newUser('expired');
    await signUpByApi(page.request, baseURL, user);
    const board = new TaskBoard(page);
    await board.goto(query);
    return { user, board, signIn: new SignInPage(page) };
  }

  /** Signs the user's session out on the server from another browser context holding the same cookies. */
  async function endSessionElsewhere(page: Page, baseURL: string): Promise<void> {
    const browser = page.context().browser()!;
    const cookies = await page.context().cookies();
    const other = await browser.newContext({ baseURL });
    try {
      await other.addCookies(cookies);
      const signOut = await other.request.post('/api/auth/sign-out', { headers: { Origin: baseURL } });
      expect(signOut.status(), await signOut.text()).toBe(200);
      // The session is gone on the server: its cookie no longer gets a token.
      await other.clearCookies();
      await other.addCookies(cookies);
      expect((await other.request.get('/api/auth/token')).status()).toBe(401);
    } finally {
      await other.close();
    }
  }

  test('when the session ends elsewhere, the next add sends the user to sign in and the typed task comes back afterwards', async ({
    page,
    baseURL,
  }) => {
    const { user, board, signIn } = await signedInOnBoard(page, baseURL!);
    await board.addTask({ title: 'Saved while signed in' });

    await endSessionElsewhere(page, baseURL!);

    const typed = 'Typed after the session ended';
    await board.fillNewTask({ title: typed, tags: 'later' });
    await waitUntilTokenIsStale(page);
    await board.addButton.click();

    await expect(page).toHaveURL(/\/sign-in\?reason=expired&next=%2F$/);
    await expect(signIn.expiredNotice).toBeVisible();
    expect(await page.evaluate((key) => sessionStorage.getItem(key), DRAFT_KEY)).toContain(typed);

    await signIn.signIn(user);
    await expect(page).toHaveURL(/\/$/);
    await board.expectShown();
    await expect(board.newTitle).toHaveValue(typed);
    await expect(board.newTags).toHaveValue('later');
    // It was not saved while signed out; it is now, with one click.
    await board.expectTitles(['Saved while signed in']);
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/[^/]+\/tasks$/.test(r.url()));
    await board.addButton.click();
    expect((await answered).status()).toBe(201);
    await board.expectTitles([typed, 'Saved while signed in']);
  });

  test('when the session ends elsewhere, a toggle sends the user to sign in and the half-typed title is kept', async ({
    page,
    baseURL,
  }) => {
    const { user, board, signIn } = await signedInOnBoard(page, baseURL!, '?sort=title&order=asc');
    await board.addTask({ title: 'Toggle me later' });

    await endSessionElsewhere(page, baseURL!);

    const typed = 'Half-typed idea';
    await board.newTitle.fill(typed);
    await waitUntilTokenIsStale(page);
    await board.task('Toggle me later').toggle.click();

    // Back to the same view after signing in.
    await expect(page).toHaveURL(/\/sign-in\?reason=expired&next=%2F%3Fsort%3Dtitle%26order%3Dasc$/);
    await expect(signIn.expiredNotice).toBeVisible();

    await signIn.signIn(user);
    await expect(page).toHaveURL(/\/\?sort=title&order=asc$/);
    await board.expectShown();
    await expect(board.newTitle).toHaveValue(typed);
    // The toggle did not happen.
    await expect(board.task('Toggle me later').toggle).not.toBeChecked();
    await expect(board.itemsLeft).toHaveText('1 item left');
  });

  test('when the session ends elsewhere, saving an edit sends the user to sign in and the edit comes back afterwards', async ({
    page,
    baseURL,
  }) => {
    const { user, board, signIn } = await signedInOnBoard(page, baseURL!);
    const task = await board.addTask({ title: 'Before the edit' });
    const editor = await task.openEditorWithButton();

    await endSessionElsewhere(page, baseURL!);
    await editor.fill({ title: 'Edited after the session ended', description: 'typed with care' });
    await waitUntilTokenIsStale(page);
    await editor.save.click();

    await expect(page).toHaveURL(/\/sign-in\?reason=expired&next=%2F$/);
    await expect(signIn.expiredNotice).toBeVisible();

    await signIn.signIn(user);
    await expect(page).toHaveURL(/\/$/);
    await board.expectShown();
    await expect(editor.title).toHaveValue('Edited after the session ended');
    await expect(editor.description).toHaveValue('typed with care');
    // Not saved while signed out; it is now.
    await editor.saveWithEnter();
    await board.expectTitles(['Edited after the session ended']);
  });
});
