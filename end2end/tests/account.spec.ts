import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';

import { AccountPage, ForgotPasswordPage, ResetPasswordPage } from './support/account';
import { AccountMenu, SignInPage } from './support/auth';
import { expect, test } from './support/fixtures';
import { linkIn, waitForMail } from './support/mail';
import { TaskBoard } from './support/tasks';
import { newUser, signInByApi, signUpByApi, type User } from './support/users';

/**
 * The account pages (issue 13): plain server-rendered forms, so they work the same with JavaScript on
 * or off. Name, password change (signing the other device out), a forgotten password reset through a
 * real email (read back from the SMTP server the main server sends to), signing out a device from the
 * list, and deleting the account.
 */

/** A second browser (another device) signed in as `user`. */
async function otherDevice(browser: Browser, baseURL: string, user: User): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL });
  await signInByApi(context, baseURL, user);
  const page = await context.newPage();
  return { context, page };
}

/** Whether `page`'s browser is signed out: the board sends it to sign in. */
async function expectSignedOut(page: Page): Promise<void> {
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
}

test.describe('the account page', () => {
  test('the header links to the account page, where the name is changed', async ({ page, baseURL }) => {
    const user = newUser('name');
    await signUpByApi(page.request, baseURL!, user);
    await page.goto('/');
    await page.getByTestId('nav-account').click();
    const account = new AccountPage(page);
    await account.expectShown();
    await expect(account.name).toHaveValue(user.name);
    await expect(page.getByTestId('account-email')).toHaveText(user.email);
    await expect(page.getByText('Not verified')).toBeVisible();

    await account.name.fill('Grace Hopper');
    await account.saveName.click();
    await expect(page).toHaveURL(/\/account\?done=name$/);
    await expect(account.notice('Your name has been saved.')).toBeVisible();
    await expect(new AccountMenu(page).userName).toHaveText('Grace Hopper');

    await account.name.fill('');
    await account.name.evaluate((input) => input.removeAttribute('required'));
    await account.saveName.click();
    await expect(page.locator('#profile-error')).toHaveText('Enter your name.');
  });

  test('changing the password signs the other device out, and the new password signs in', async ({
    page,
    browser,
    baseURL,
  }) => {
    const user = newUser('chpw');
    await signUpByApi(page.request, baseURL!, user);
    const other = await otherDevice(browser, baseURL!, user);
    const account = new AccountPage(page);
    await account.goto();
    await expect(account.devices).toHaveCount(2);

    await account.currentPassword.fill('not-the-password');
    await account.newPassword.fill('a-new-password-1');
    await account.changePassword.click();
    await expect(page.locator('#password-error')).toHaveText("That password isn't right.");

    await account.currentPassword.fill(user.password);
    await account.newPassword.fill('a-new-password-1');
    await expect(account.signOutOthersOnChange).toBeChecked();
    await account.changePassword.click();
    await expect(account.notice('your other devices have been signed out')).toBeVisible();
    await expect(account.devices).toHaveCount(1);

    await expectSignedOut(other.page);
    await other.context.close();

    await new AccountMenu(page).signOut();
    const signIn = new SignInPage(page);
    await signIn.signIn({ email: user.email, password: 'a-new-password-1' });
    await new TaskBoard(page).expectShown();
  });

  test('a forgotten password is reset through the emailed link, which signs every device out', async ({
    page,
    browser,
    baseURL,
  }) => {
    const user = newUser('forgot');
    const before = await browser.newContext({ baseURL });
    await signUpByApi(before.request, baseURL!, user);
    const beforePage = await before.newPage();

    const signIn = new SignInPage(page);
    await signIn.goto();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await new ForgotPasswordPage(page).request(user.email);

    const mail = await waitForMail(user.email, 'Reset your Ticklist password');
    const link = linkIn(mail, '/api/auth/reset-password/');
    expect(link, 'the message has a reset link').toBeTruthy();
    await page.goto(link!);
    await expect(page).toHaveURL(/\/reset-password\?token=/);
    await new ResetPasswordPage(page).choose('a-reset-password-1');

    await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
    await expect(page.getByText('Your password has been changed. Sign in with the new one.')).toBeVisible();
    await signIn.expectShown();
    await signIn.signIn({ email: user.email, password: 'a-reset-password-1' });
    await new TaskBoard(page).expectShown();

    await expectSignedOut(beforePage);
    await before.close();

    // The link works once.
    await page.goto(link!);
    await expect(page.getByText('This reset link is invalid or has expired.')).toBeVisible();
  });

  test('without JavaScript, a device is signed out from the list', async ({ browser, baseURL }) => {
    const user = newUser('devices');
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
    await signUpByApi(context.request, baseURL!, user);
    const page = await context.newPage();
    const other = await otherDevice(browser, baseURL!, user);

    const account = new AccountPage(page);
    await account.goto();
    await expect(account.devices).toHaveCount(2);
    await expect(account.device({ current: true })).toContainText('This device');
    await account.device({ current: false }).getByRole('button', { name: /^Sign out/ }).click();
    await expect(account.notice('That device has been signed out.')).toBeVisible();
    await expect(account.devices).toHaveCount(1);
    await expect(account.signOutAllOthers).toHaveCount(0);

    await expectSignedOut(other.page);
    await other.context.close();
    await context.close();
  });

  test('deleting the account signs out for good', async ({ page, baseURL }) => {
    const user = newUser('delete');
    await signUpByApi(page.request, baseURL!, user);
    const board = new TaskBoard(page);
    await board.goto();
    await board.addTask({ title: 'Gone with the account' });

    const account = new AccountPage(page);
    await account.goto();
    await expect(page.getByText('This deletes your account and all of your tasks')).toBeVisible();
    await account.deletePassword.fill('not-the-password');
    await account.deleteButton.click();
    await expect(page.locator('#delete-error')).toHaveText("That password isn't right.");

    await account.deletePassword.fill(user.password);
    await account.deleteButton.click();
    await expect(page).toHaveURL(/\/sign-in\?deleted=1$/);
    await expect(page.getByText('Your account and all of its tasks have been deleted.')).toBeVisible();
    await new AccountMenu(page).expectSignedOut();

    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(user);
    await expect(page.locator('#password-error')).toHaveText("That email and password don't match an account.");
  });

  test('the account pages have no axe violations', async ({ page, baseURL }) => {
    await signUpByApi(page.request, baseURL!, newUser('axe'));
    for (const path of ['/account', '/account?error=INVALID_PASSWORD&form=password', '/forgot-password', '/reset-password?token=x']) {
      await page.goto(path);
      const results = await new AxeBuilder({ page }).analyze();
      const summary = results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(summary, `axe violations on ${path}`).toEqual([]);
    }
  });
});
