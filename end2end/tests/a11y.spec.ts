import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';

import { hydrated, tabTo } from './support/app';
import { AccountMenu, SignInPage, SignUpPage } from './support/auth';
import { utcDate } from './support/dates';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * Accessibility: axe finds no violations (WCAG 2.x A/AA and best practices) on the main pages, and the
 * core of the app can be used with the keyboard alone.
 */

/** Runs axe on the page as it is now; attaches the full result and fails with a readable summary. */
async function expectNoViolations(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  await testInfo.attach(`axe-${label}.json`, { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/** A board with one of each kind of task: overdue, due today, done, high and low priority, tags. */
async function boardWithTasks(page: Page, baseURL: string): Promise<TaskBoard> {
  await signUpByApi(page.request, baseURL, newUser('a11y'));
  const board = new TaskBoard(page);
  await board.goto();
  await board.addTask({ title: 'Overdue report', priority: 'high', due: utcDate(-2), tags: 'work' });
  await board.addTask({ title: 'Water the plants', priority: 'low', due: utcDate(0), tags: 'home, garden' });
  await board.addTask({ title: 'Call the dentist', description: 'Ask about a Tuesday slot', due: utcDate(7) });
  await board.task('Call the dentist').toggleDone();
  return board;
}

test.describe('accessibility (axe)', () => {
  test('the sign-in page has no axe violations', async ({ page }, testInfo) => {
    await new SignInPage(page).goto();
    await expectNoViolations(page, testInfo, 'sign-in');
  });

  test('the sign-in page with an error and the expired-session message has no axe violations', async ({ page }, testInfo) => {
    const signIn = new SignInPage(page);
    await signIn.goto({ query: '?reason=expired&next=%2F' });
    await expect(signIn.expiredNotice).toBeVisible();
    await signIn.signIn({ email: newUser('nobody').email, password: 'wrong-password' });
    await expect(page.locator('#password-error')).toHaveText("That email and password don't match an account.");
    await expect(signIn.password).toHaveAttribute('aria-invalid', 'true');
    await expectNoViolations(page, testInfo, 'sign-in-error');
  });

  test('the sign-up page has no axe violations', async ({ page }, testInfo) => {
    await new SignUpPage(page).goto();
    await expectNoViolations(page, testInfo, 'sign-up');
  });

  test('the task board with tasks has no axe violations', async ({ page, baseURL }, testInfo) => {
    const board = await boardWithTasks(page, baseURL!);
    await board.openDetails();
    await expectNoViolations(page, testInfo, 'board');
  });

  test('the task board in the dark theme has no axe violations', async ({ page, baseURL }, testInfo) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const board = await boardWithTasks(page, baseURL!);
    await page.getByTestId('theme-toggle').click(); // to light…
    await page.getByTestId('theme-toggle').click(); // …and back to dark, explicitly
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(board.items).toHaveCount(3);
    await expectNoViolations(page, testInfo, 'board-dark');
  });

  test('the task board while editing a task and after a delete has no axe violations', async ({ page, baseURL }, testInfo) => {
    const board = await boardWithTasks(page, baseURL!);
    await board.deleteTask('Water the plants'); // shows the undo notice
    await board.task('Overdue report').openEditorWithButton();
    await expectNoViolations(page, testInfo, 'board-editing');
  });

  test('the not-found page has no axe violations', async ({ page }, testInfo) => {
    const response = await page.goto('/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await hydrated(page);
    await expectNoViolations(page, testInfo, 'not-found');
  });
});

test.describe('keyboard only', () => {
  test('a user signs in, adds a task, completes it and edits it with the keyboard alone', async ({ page, baseURL }) => {
    const user = newUser('keyboard');
    await signUpByApi(page.request, baseURL!, user);
    await page.context().clearCookies();

    const signIn = new SignInPage(page);
    const board = new TaskBoard(page);
    await signIn.goto();

    await test.step('sign in: Tab to the fields, type, Enter', async () => {
      await tabTo(page, signIn.email);
      await page.keyboard.type(user.email);
      await page.keyboard.press('Tab');
      await expect(signIn.password).toBeFocused();
      await page.keyboard.type(user.password);
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/$/);
      await new AccountMenu(page).expectSignedInAs(user);
      await board.expectShown();
    });

    await test.step('add a task: type the title, Enter', async () => {
      await tabTo(page, board.newTitle);
      await page.keyboard.type('Keyboard task');
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/[^/]+\/tasks$/.test(r.url()));
      await page.keyboard.press('Enter');
      expect((await created).status()).toBe(201);
      await board.task('Keyboard task').expectSaved();
      await expect(board.newTitle).toHaveValue('');
      await expect(board.itemsLeft).toHaveText('1 item left');
    });

    const task = board.task('Keyboard task');

    await test.step('complete it: Tab to its checkbox, Space', async () => {
      await tabTo(page, task.toggle);
      const toggled = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith('/complete'));
      await page.keyboard.press('Space');
      expect((await toggled).status()).toBe(200);
      await expect(task.toggle).toBeChecked();
      await expect(board.itemsLeft).toHaveText('0 items left');
    });

    await test.step('edit it: Tab to Edit, Enter, type, Enter', async () => {
      const id = await task.id();
      await tabTo(page, task.editButton);
      await page.keyboard.press('Enter');
      const editTitle = page.locator(`[id="edit-title-${id}"]`);
      await expect(editTitle).toBeFocused();
      // The whole title is selected: typing replaces it.
      await page.keyboard.type('Keyboard task, edited');
      const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && new RegExp(`/tasks/${id}$`).test(r.url()));
      await page.keyboard.press('Enter');
      expect((await saved).status()).toBe(200);
      await expect(board.task('Keyboard task, edited').root).toBeVisible();
      await expect(board.task('Keyboard task, edited').toggle).toBeChecked();
    });

    await test.step('the change is saved', async () => {
      await page.reload();
      await board.expectShown();
      await board.expectTitles(['Keyboard task, edited']);
    });
  });
});
