import type { Page, Route } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { TaskBoard, TaskEditor } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * When the server fails a change (here: a 503 forced on the REST call once the page is loaded), the
 * user gets a clear message in the notices (role=alert), nothing they typed is lost, and the list
 * shows the truth again (optimistic changes are rolled back).
 */

const UNAVAILABLE =
  'The server is temporarily unavailable. Try again in a few seconds; nothing you typed is lost.';

/** Answers matching requests with `503 application/problem+json`, as the API does when its store is down. */
async function fail503(page: Page, method: string, path: RegExp): Promise<{ hits: () => number; stop: () => Promise<void> }> {
  let hits = 0;
  const matcher = (url: URL) => path.test(url.pathname);
  const handler = async (route: Route) => {
    if (route.request().method() !== method) return route.fallback();
    hits++;
    await route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'the database is unavailable',
      }),
    });
  };
  await page.route(matcher, handler);
  return { hits: () => hits, stop: () => page.unroute(matcher, handler) };
}

const COLLECTION = /^\/api\/[^/]+\/tasks$/;
const ONE_TASK = /^\/api\/[^/]+\/tasks\/\d+$/;
const COMPLETE = /^\/api\/[^/]+\/tasks\/\d+\/complete$/;

test.describe('server errors', () => {
  let board: TaskBoard;

  test.beforeEach(async ({ page, baseURL }) => {
    await signUpByApi(page.request, baseURL!, newUser('errors'));
    board = new TaskBoard(page);
    await board.goto();
  });

  test('a failed add shows an alert and puts everything typed back into the form', async ({ page }) => {
    await board.addTask({ title: 'Already saved' });
    const outage = await fail503(page, 'POST', COLLECTION);

    await board.fillNewTask({
      title: 'Do not lose me',
      description: 'Typed with care',
      priority: 'high',
      due: '2031-01-15',
      tags: 'precious, work',
    });
    await board.addButton.click();

    await expect(board.alerts).toContainText([UNAVAILABLE]);
    expect(outage.hits()).toBe(1);
    // Everything typed is back in the form…
    await expect(board.newTitle).toHaveValue('Do not lose me');
    await expect(board.newDescription).toBeVisible();
    await expect(board.newDescription).toHaveValue('Typed with care');
    await expect(board.newPriority).toHaveValue('high');
    await expect(board.newDue).toHaveValue('2031-01-15');
    await expect(board.newTags).toHaveValue('precious, work');
    // …and the list and counts are as before.
    await board.expectTitles(['Already saved']);
    await expect(board.itemsLeft).toHaveText('1 item left');

    // Once the server is back, one click saves it.
    await outage.stop();
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && COLLECTION.test(new URL(r.url()).pathname));
    await board.addButton.click();
    expect((await created).status()).toBe(201);
    await board.task('Do not lose me').expectSaved();
    await expect(board.task('Do not lose me').priority).toHaveText('High priority');
    await expect(board.itemsLeft).toHaveText('2 items left');
  });

  test('a failed toggle shows an alert and rolls the checkbox back', async ({ page }) => {
    const task = await board.addTask({ title: 'Stubborn task' });
    const outage = await fail503(page, 'PATCH', COMPLETE);

    await task.toggle.click();

    await expect(board.alerts).toContainText([UNAVAILABLE]);
    expect(outage.hits()).toBe(1);
    await expect(task.toggle).not.toBeChecked();
    await expect(board.itemsLeft).toHaveText('1 item left');
    await expect(board.clearCompleted).toHaveCount(0);

    // The alert can be dismissed.
    await board.alerts.getByRole('button', { name: 'Dismiss' }).click();
    await expect(board.alerts).toHaveCount(0);

    // The server agrees: still open.
    await outage.stop();
    await page.reload();
    await board.expectShown();
    await expect(board.task('Stubborn task').toggle).not.toBeChecked();
  });

  test('a failed edit shows an alert, reopens the editor with what was typed, and saves it on a retry', async ({ page }) => {
    const task = await board.addTask({ title: 'Original title', priority: 'low' });
    const id = await task.id();
    const outage = await fail503(page, 'PATCH', ONE_TASK);

    const editor = await task.openEditorByDoubleClick();
    await editor.fill({ title: 'Edited title', priority: 'high', tags: 'kept' });
    await editor.title.press('Enter');

    await expect(board.alerts).toContainText([UNAVAILABLE]);
    expect(outage.hits()).toBe(1);
    // Nothing typed is lost: the editor is back with the edit in it.
    await expect(editor.title).toHaveValue('Edited title');
    await expect(editor.priority).toHaveValue('high');
    await expect(editor.tags).toHaveValue('kept');
    await expect(editor.title).toBeFocused();
    // It also survives a reload (kept in session storage until the server has it).
    await page.reload();
    await board.expectShown();
    const reopened = new TaskEditor(page, id);
    await expect(reopened.title).toHaveValue('Edited title');

    await outage.stop();
    await reopened.saveWithEnter();
    await expect(board.task('Edited title').priority).toHaveText('High priority');
    await expect(board.task('Original title').root).toHaveCount(0);
    // Saved: a reload shows the task, not the editor.
    await page.reload();
    await board.expectShown();
    await expect(board.task('Edited title').root).toBeVisible();
    await expect(reopened.title).toHaveCount(0);
  });

  test('a slow save shows the edit at once and keeps the editor closed until the server has it', async ({ page }) => {
    const task = await board.addTask({ title: 'Before the edit' });
    const id = await task.id();
    // Hold the PATCH until the test lets it go.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = async (route: Route) => {
      if (route.request().method() !== 'PATCH') return route.fallback();
      await released;
      await route.continue();
    };
    await page.route((url) => ONE_TASK.test(url.pathname), held);

    const editor = await task.openEditorByDoubleClick();
    await editor.fill({ title: 'After the edit' });
    const answered = page.waitForResponse((r) => r.request().method() === 'PATCH' && ONE_TASK.test(new URL(r.url()).pathname));
    await editor.title.press('Enter');
    await expect(board.task('After the edit').root).toBeVisible();
    // Still on its way: the row shows the edit, and the kept draft does not reopen the editor.
    await page.waitForTimeout(300);
    await expect(new TaskEditor(page, id).title).toHaveCount(0);

    release();
    expect((await answered).status()).toBe(200);
    await page.reload();
    await board.expectShown();
    await expect(board.task('After the edit').root).toBeVisible();
    await expect(new TaskEditor(page, id).title).toHaveCount(0);
  });

  test('cancelling an edit that the server refused shows the saved task again', async ({ page }) => {
    const task = await board.addTask({ title: 'Original title', priority: 'low' });
    await fail503(page, 'PATCH', ONE_TASK);

    const editor = await task.openEditorByDoubleClick();
    await editor.fill({ title: 'Edited title', priority: 'high' });
    await editor.title.press('Enter');
    await expect(board.alerts).toContainText([UNAVAILABLE]);
    await expect(editor.title).toHaveValue('Edited title');

    await editor.cancelWithEscape();
    await expect(board.task('Original title').priority).toHaveText('Low priority');
    await expect(board.task('Edited title').root).toHaveCount(0);
    await page.reload();
    await board.expectShown();
    await expect(board.task('Original title').root).toBeVisible();
    await expect(editor.title).toHaveCount(0);
  });

  test('a failed delete shows an alert and brings the task back', async ({ page }) => {
    test.slow(); // the delete is sent after the real 5-second undo window
    await board.addTask({ title: 'Keep me around' });
    await board.addTask({ title: 'Another task' });
    const outage = await fail503(page, 'DELETE', ONE_TASK);

    await board.deleteTask('Keep me around');
    await expect(board.itemsLeft).toHaveText('1 item left');

    await expect(board.alerts).toContainText([UNAVAILABLE], { timeout: 15_000 });
    expect(outage.hits()).toBe(1);
    await expect(board.task('Keep me around').root).toBeVisible();
    await expect(board.itemsLeft).toHaveText('2 items left');
  });

  test('a failed list load on navigation shows an alert with a way to try again', async ({ page }) => {
    await board.addTask({ title: 'Listed task' });
    let failing = true;
    await page.route(
      (url) => url.pathname.startsWith('/api/fn/list_tasks'),
      (route) =>
        failing
          ? route.fulfill({ status: 503, contentType: 'text/plain', body: 'the server is temporarily unavailable' })
          : route.fallback(),
    );

    await board.filterCompleted.click();
    const problem = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Try again' }) });
    await expect(problem).toBeVisible();
    await expect(problem).not.toBeEmpty();

    failing = false;
    await problem.getByRole('button', { name: 'Try again' }).click();
    await expect(problem).toHaveCount(0);
    await expect(board.empty).toContainText('No tasks match this view.');
    await board.filterAll.click();
    await board.expectTitles(['Listed task']);
  });
});
