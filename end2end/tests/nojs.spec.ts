import type { BrowserContext, Page } from '@playwright/test';

import { AccountMenu, SignInPage, SignUpPage } from './support/auth';
import { utcDate } from './support/dates';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser } from './support/users';

/**
 * With JavaScript disabled, Ticklist still works as a plain HTML site: the forms post to the server,
 * which answers with redirects and server-rendered pages.
 */

test.describe('without JavaScript', () => {
  let context: BrowserContext;
  let page: Page;

  test.beforeEach(async ({ browser, baseURL }) => {
    context = await browser.newContext({ baseURL, javaScriptEnabled: false });
    page = await context.newPage();
  });

  test.afterEach(async () => {
    await context.close();
  });

  test('a user signs up, signs out, signs in and adds a task with plain forms, and the server lists it', async () => {
    const user = newUser('nojs');
    const signUp = new SignUpPage(page);
    const signIn = new SignInPage(page);
    const account = new AccountMenu(page);
    const board = new TaskBoard(page);

    await test.step('sign up with the form', async () => {
      await signUp.goto({ hydrate: false });
      const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/sign-up'));
      await signUp.signUp(user);
      const response = await posted;
      expect(response.status()).toBe(303);
      expect(await response.headerValue('set-cookie')).toContain('better-auth.session_token=');
      await expect(page).toHaveURL(/\/$/);
      await board.expectShown({ hydrate: false });
      await account.expectSignedInAs(user);
      await expect(board.itemsLeft).toHaveText('0 items left');
    });

    await test.step('sign out with the form', async () => {
      await account.signOutButton.click();
      await expect(page).toHaveURL(/\/sign-in$/);
      await signIn.expectShown({ hydrate: false });
      await expect(account.userName).toHaveCount(0);
      await page.goto('/');
      await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
    });

    await test.step('a wrong password is explained on the page', async () => {
      await signIn.signIn({ email: user.email, password: 'not-the-password' });
      await expect(page).toHaveURL(/\/sign-in\?error=/);
      await expect(page.locator('#password-error')).toHaveText("That email and password don't match an account.");
    });

    await test.step('sign in with the form', async () => {
      await signIn.signIn(user);
      await expect(page).toHaveURL(/\/$/);
      await board.expectShown({ hydrate: false });
      await account.expectSignedInAs(user);
    });

    await test.step('add a task with the form', async () => {
      const due = utcDate(3);
      // <details> opens without JavaScript.
      await board.detailsSummary.click();
      await board.newDescription.fill('Posted without JavaScript');
      await board.newPriority.selectOption('high');
      await board.newDue.fill(due);
      await board.newTags.fill('plain, html');
      await board.newTitle.fill('Works without scripts');
      const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/tasks/new'));
      await board.addButton.click();
      expect((await posted).status()).toBe(303);
      await expect(page).toHaveURL(/\/$/);

      const task = board.task('Works without scripts');
      await expect(task.root).toBeVisible();
      await expect(task.root).toContainText('Posted without JavaScript');
      await expect(task.priority).toHaveText('High priority');
      await expect(task.due).toHaveText(`Due ${due}`);
      await expect(task.tags).toHaveText(['#plain', '#html']);
      await expect(board.itemsLeft).toHaveText('1 item left');
    });

    await test.step('the server renders filtered views from the URL', async () => {
      await page.goto('/?tag=plain');
      await board.expectTitles(['Works without scripts']);
      await page.goto('/?status=completed');
      await expect(board.items).toHaveCount(0);
      // The filter form is a plain GET form too.
      await page.goto('/');
      await board.search.fill('scripts');
      await board.search.press('Enter');
      await expect(page).toHaveURL(/[?&]q=scripts/);
      await board.expectTitles(['Works without scripts']);
    });

    // The page never ran a script.
    expect(await page.locator('body').getAttribute('data-hydrated')).toBeNull();
  });

  test('signing in without JavaScript returns to the page that was asked for', async ({ baseURL }) => {
    const user = newUser('nojs');
    const signUp = await context.request.post('/sign-up', {
      headers: { Origin: baseURL! },
      form: { name: user.name, email: user.email, password: user.password, next: '/' },
      maxRedirects: 0,
    });
    expect(signUp.status()).toBe(303);
    await context.clearCookies();

    await page.goto('/?status=completed&sort=title&order=asc');
    await expect(page).toHaveURL(/\/sign-in\?next=%2F%3Fstatus%3Dcompleted%26sort%3Dtitle%26order%3Dasc$/);
    const signIn = new SignInPage(page);
    await signIn.expectShown({ hydrate: false });
    await signIn.signIn(user);
    await expect(page).toHaveURL(/\/\?status=completed&sort=title&order=asc$/);
    await new TaskBoard(page).expectShown({ hydrate: false });
  });

  test('the sign-in page without JavaScript offers the same defaults and links as with it', async () => {
    const signIn = new SignInPage(page);
    await signIn.goto({ hydrate: false });
    // "Keep me signed in" is ticked by default once hydrated; the server-rendered form should agree.
    await expect(signIn.remember).toBeChecked();
    // The header offers to sign in or up, as it does with JavaScript.
    await new AccountMenu(page).expectSignedOut();
  });

  test('a failed sign-in without JavaScript keeps the email that was typed', async () => {
    const signIn = new SignInPage(page);
    await signIn.goto({ hydrate: false });
    const email = newUser('nojs').email;
    await signIn.signIn({ email, password: 'wrong-password' });
    await expect(page).toHaveURL(/\/sign-in\?error=INVALID_EMAIL_OR_PASSWORD&email=/);
    await expect(page.locator('#password-error')).toHaveText("That email and password don't match an account.");
    // The server sends the email back in the URL; the form should show it again.
    await expect(signIn.email).toHaveValue(email);
  });
});
