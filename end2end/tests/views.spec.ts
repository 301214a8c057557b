import type { Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * The board is an island: the page around it is static HTML, and the board changes views (filters,
 * tags, Back and Forward) in place, through the browser's history, without loading the page again.
 */

/** Marks the current document, so that a later check can tell whether the page was loaded again. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page): Promise<void> {
  const same = await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);
  expect(same, 'the view changed without loading the page again').toBe(true);
}

test.describe('views of the board', () => {
  test('filters, tags, Back and Forward change the view in place and keep the URL in step', async ({
    page,
    baseURL,
  }) => {
    await signUpByApi(page.request, baseURL!, newUser('views'));
    const board = new TaskBoard(page);
    await board.goto();
    await board.addTask({ title: 'Water the plants', tags: 'home' });
    await board.addTask({ title: 'Send the invoice', tags: 'work' });
    await board.task('Send the invoice').toggleDone();
    await markDocument(page);

    await board.filterActive.click();
    await expect(page).toHaveURL(/\/\?status=pending$/);
    await board.expectTitles(['Water the plants']);

    await board.filterCompleted.click();
    await expect(page).toHaveURL(/\/\?status=completed$/);
    await board.expectTitles(['Send the invoice']);

    await page.goBack();
    await expect(page).toHaveURL(/\/\?status=pending$/);
    await board.expectTitles(['Water the plants']);
    await expect(board.filterActive).toHaveAttribute('aria-current', 'page');

    await page.goForward();
    await expect(page).toHaveURL(/\/\?status=completed$/);
    await board.expectTitles(['Send the invoice']);

    await board.filterAll.click();
    await board.task('Water the plants').root.getByRole('link', { name: '#home' }).click();
    await expect(page).toHaveURL(/[?&]tag=home(&|$)/);
    await board.expectTitles(['Water the plants']);

    await page.goBack();
    await expect(page).not.toHaveURL(/tag=/);
    await board.expectTitles(['Send the invoice', 'Water the plants']);
    await expectSameDocument(page);
  });

  test('showing the same view twice records it once, so Back leaves it', async ({ page, baseURL }) => {
    await signUpByApi(page.request, baseURL!, newUser('views-twice'));
    const board = new TaskBoard(page);
    await board.goto();
    await board.addTask({ title: 'Only task' });

    await board.filterActive.click();
    await expect(page).toHaveURL(/\/\?status=pending$/);
    const reread = page.waitForResponse((r) => r.url().includes('/api/fn/list_tasks'));
    await board.filterActive.click();
    await reread; // read again, but not a new history entry
    await page.goBack();
    await expect(page).toHaveURL(/\/$/);
    await expect(board.filterAll).toHaveAttribute('aria-current', 'page');
  });

  test('a delete waiting out its undo window can still be undone after the view changes', async ({ page, baseURL }) => {
    await signUpByApi(page.request, baseURL!, newUser('views-undo'));
    const board = new TaskBoard(page);
    await board.goto();
    await board.addTask({ title: 'Keep me' });
    await board.addTask({ title: 'Delete me, then think again' });
    await markDocument(page);

    await board.deleteTask('Delete me, then think again');
    await board.filterActive.click();
    await expect(page).toHaveURL(/\/\?status=pending$/);
    await board.expectTitles(['Keep me']);

    await board.undo.click();
    await board.expectTitles(['Delete me, then think again', 'Keep me']);
    await expect(board.itemsLeft).toHaveText('2 items left');
    await expectSameDocument(page);
  });
});
