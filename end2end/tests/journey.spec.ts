import { collectErrors } from './support/app';
import { AccountMenu, SignInPage, SignUpPage } from './support/auth';
import { utcDate } from './support/dates';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * The whole journey of one person: create an account, add tasks with every field, edit, complete,
 * filter, search, sort, delete (and undo), sign out, sign back in, and find everything as they left it.
 */

const overdue = utcDate(-1);
const today = utcDate(0);
const later = utcDate(10);

const BILL = 'Pay the electricity bill';
const GROCERIES = 'Buy groceries';
const OFFSITE = 'Plan the team offsite';
const NOVEL = 'Read a novel';
const NOVEL_EDITED = 'Read a good novel';

test.describe('the full journey', () => {
  test('a new user signs up, manages tasks with every feature, signs out and finds everything after signing in again', async ({
    page,
  }) => {
    test.slow(); // one long story with a real 5-second undo window
    const errors = collectErrors(page);
    const user = newUser('journey');
    const signUp = new SignUpPage(page);
    const signIn = new SignInPage(page);
    const account = new AccountMenu(page);
    const board = new TaskBoard(page);

    await test.step('sign up and land on an empty board', async () => {
      await signUp.goto();
      await signUp.signUp(user);
      await expect(page).toHaveURL(/\/$/);
      await account.expectSignedInAs(user);
      await board.expectShown();
      await expect(board.itemsLeft).toHaveText('0 items left');
      await expect(board.empty).toContainText('Nothing to do yet');
    });

    await test.step('add tasks with every field', async () => {
      const bill = await board.addTask({
        title: BILL,
        description: 'Before the late fee kicks in',
        priority: 'high',
        due: overdue,
        tags: 'home, Bills',
      });
      await expect(board.itemsLeft).toHaveText('1 item left');
      await expect(bill.priority).toHaveText('High priority');
      await expect(bill.due).toHaveText(`Overdue · ${overdue}`);
      await expect(bill.root).toContainText('Before the late fee kicks in');
      // Tags are stored in lower case.
      await expect(bill.tags).toHaveText(['#home', '#bills']);

      const groceries = await board.addTask({
        title: GROCERIES,
        description: 'Milk, eggs, bread',
        priority: 'low',
        due: today,
        tags: 'errands, home',
      });
      await expect(groceries.priority).toHaveText('Low priority');
      await expect(groceries.due).toHaveText('Due today');
      await expect(groceries.tags).toHaveText(['#errands', '#home']);

      const offsite = await board.addTask({ title: OFFSITE, priority: 'medium', due: later, tags: 'work' });
      // Medium is the default and carries no badge.
      await expect(offsite.priority).toHaveCount(0);
      await expect(offsite.due).toHaveText(`Due ${later}`);
      await expect(offsite.tags).toHaveText(['#work']);

      const novel = await board.addTask({ title: NOVEL });
      await expect(novel.priority).toHaveCount(0);
      await expect(novel.due).toHaveCount(0);
      await expect(novel.tags).toHaveCount(0);

      // Newest first by default.
      await board.expectTitles([NOVEL, OFFSITE, GROCERIES, BILL]);
      await expect(board.itemsLeft).toHaveText('4 items left');
    });

    await test.step('edit in place: double-click and Enter saves, Escape cancels', async () => {
      const novel = await board.task(NOVEL).openEditorByDoubleClick();
      await expect(novel.title).toBeFocused();
      await expect(novel.title).toHaveValue(NOVEL);
      await novel.fill({ title: NOVEL_EDITED, tags: 'leisure' });
      await novel.saveWithEnter();
      const edited = board.task(NOVEL_EDITED);
      await expect(edited.root).toBeVisible();
      await expect(edited.tags).toHaveText(['#leisure']);
      await expect(board.task(NOVEL).root).toHaveCount(0);

      const offsite = await board.task(OFFSITE).openEditorByDoubleClick();
      await offsite.title.fill('Something else entirely');
      await offsite.cancelWithEscape();
      await expect(board.task(OFFSITE).root).toBeVisible();
      await expect(board.task('Something else entirely').root).toHaveCount(0);

      // The edit is saved on the server, the cancelled one is not.
      await board.goto();
      await board.expectTitles([NOVEL_EDITED, OFFSITE, GROCERIES, BILL]);
      await expect(board.task(NOVEL_EDITED).tags).toHaveText(['#leisure']);
    });

    await test.step('complete a task', async () => {
      const groceries = board.task(GROCERIES);
      await groceries.toggleDone();
      await expect(groceries.toggle).toBeChecked();
      await expect(board.itemsLeft).toHaveText('3 items left');
      await expect(board.clearCompleted).toHaveText('Clear completed (1)');
    });

    await test.step('filter by status: Active and Completed', async () => {
      await board.filterActive.click();
      await expect(page).toHaveURL(/[?&]status=pending/);
      await expect(board.filterActive).toHaveAttribute('aria-current', 'page');
      await board.expectTitles([NOVEL_EDITED, OFFSITE, BILL]);
      // The count is of all open tasks, whatever the view.
      await expect(board.itemsLeft).toHaveText('3 items left');

      await board.filterCompleted.click();
      await expect(page).toHaveURL(/[?&]status=completed/);
      await board.expectTitles([GROCERIES]);
      await expect(board.task(GROCERIES).toggle).toBeChecked();

      // The view is in the URL: a reload shows the same.
      await page.reload();
      await board.expectShown();
      await board.expectTitles([GROCERIES]);

      await board.filterAll.click();
      await expect(page).not.toHaveURL(/status=/);
      await board.expectTitles([NOVEL_EDITED, OFFSITE, GROCERIES, BILL]);
    });

    await test.step('search titles and descriptions', async () => {
      await board.searchFor('novel');
      await board.expectTitles([NOVEL_EDITED]);

      await board.searchFor('late fee');
      await board.expectTitles([BILL]);

      await board.searchFor('nothing like this');
      await expect(board.items).toHaveCount(0);
      await expect(board.empty).toContainText('No tasks match this view.');

      await board.searchFor('');
      await board.expectTitles([NOVEL_EDITED, OFFSITE, GROCERIES, BILL]);
    });

    await test.step('filter by a tag chip', async () => {
      await board.task(BILL).tag('home').click();
      await expect(page).toHaveURL(/[?&]tag=home(&|$)/);
      await board.expectTitles([GROCERIES, BILL]);

      await page.reload();
      await board.expectShown();
      await board.expectTitles([GROCERIES, BILL]);

      await page.getByRole('link', { name: 'Remove tag filter home' }).click();
      await expect(page).not.toHaveURL(/tag=/);
      await board.expectTitles([NOVEL_EDITED, OFFSITE, GROCERIES, BILL]);
    });

    await test.step('filter by priority', async () => {
      await board.priorityFilter.selectOption('high');
      await expect(page).toHaveURL(/[?&]priority=high/);
      await board.expectTitles([BILL]);

      await board.priorityFilter.selectOption('low');
      await expect(page).toHaveURL(/[?&]priority=low/);
      await board.expectTitles([GROCERIES]);

      await board.priorityFilter.selectOption('');
      await expect(page).not.toHaveURL(/priority=/);
      await board.expectTitles([NOVEL_EDITED, OFFSITE, GROCERIES, BILL]);
    });

    await test.step('sort by title, priority and due date', async () => {
      await board.sort.selectOption('title');
      await expect(page).toHaveURL(/[?&]sort=title&order=asc$/);
      await expect(board.order).toHaveValue('asc');
      await board.expectTitles([GROCERIES, BILL, OFFSITE, NOVEL_EDITED]);

      await board.order.selectOption('desc');
      // Descending is the default order, so it is left out of the URL.
      await expect(page).toHaveURL(/\/\?sort=title$/);
      await board.expectTitles([NOVEL_EDITED, OFFSITE, BILL, GROCERIES]);

      // A shared link (or a reload) shows the same order.
      await page.reload();
      await board.expectShown();
      await expect(board.sort).toHaveValue('title');
      await expect(board.order).toHaveValue('desc');
      await board.expectTitles([NOVEL_EDITED, OFFSITE, BILL, GROCERIES]);

      await board.sort.selectOption('priority');
      await expect(page).toHaveURL(/[?&]sort=priority/);
      await expect(board.titles.first()).toHaveText(BILL); // high first
      await expect(board.titles.last()).toHaveText(GROCERIES); // low last

      await board.sort.selectOption('due_date');
      await expect(page).toHaveURL(/[?&]sort=due_date/);
      await expect(board.order).toHaveValue('asc');
      // Soonest first; the task without a due date is not ranked among them.
      await expect(board.titles.filter({ hasNotText: NOVEL_EDITED })).toHaveText([BILL, GROCERIES, OFFSITE]);

      await board.sort.selectOption('created_at');
      await expect(board.order).toHaveValue('desc');
      await board.expectTitles([NOVEL_EDITED, OFFSITE, GROCERIES, BILL]);
    });

    await test.step('delete with undo, then delete for real', async () => {
      await board.deleteTask(OFFSITE);
      await expect(board.itemsLeft).toHaveText('2 items left');
      await board.undo.click();
      await expect(board.task(OFFSITE).root).toBeVisible();
      await expect(board.itemsLeft).toHaveText('3 items left');
      await expect(board.undo).toHaveCount(0);

      const deleted = board.waitForDeletion();
      await board.deleteTask(NOVEL_EDITED);
      await expect(board.itemsLeft).toHaveText('2 items left');
      await deleted;
      await expect(board.notices.getByText(`Deleted “${NOVEL_EDITED}”.`)).toHaveCount(0);
      await board.expectTitles([OFFSITE, GROCERIES, BILL]);
    });

    await test.step('sign out: the board is no longer reachable', async () => {
      await account.signOut();
      await page.goto('/');
      await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
      await account.expectSignedOut();
    });

    await test.step('sign in again and find everything as it was', async () => {
      await signIn.expectShown();
      await signIn.signIn(user);
      await expect(page).toHaveURL(/\/$/);
      await account.expectSignedInAs(user);
      await board.expectShown();
      await board.expectTitles([OFFSITE, GROCERIES, BILL]);
      await expect(board.itemsLeft).toHaveText('2 items left');

      const bill = board.task(BILL);
      await expect(bill.priority).toHaveText('High priority');
      await expect(bill.due).toHaveText(`Overdue · ${overdue}`);
      await expect(bill.tags).toHaveText(['#home', '#bills']);
      await expect(bill.root).toContainText('Before the late fee kicks in');

      const groceries = board.task(GROCERIES);
      await expect(groceries.toggle).toBeChecked();
      // Done tasks are not flagged as due today (nor as overdue): just the date.
      await expect(groceries.due).toHaveText(`Due ${today}`);
      await expect(groceries.priority).toHaveText('Low priority');

      const offsite = board.task(OFFSITE);
      await expect(offsite.toggle).not.toBeChecked();
      await expect(offsite.due).toHaveText(`Due ${later}`);

      await bill.toggleDone();
      await expect(board.itemsLeft).toHaveText('1 item left');
      await expect(board.clearCompleted).toHaveText('Clear completed (2)');
    });

    await test.step('clear the completed tasks, then mark all done and not done', async () => {
      await board.clearCompleted.click();
      await board.expectTitles([OFFSITE]);
      await expect(board.clearCompleted).toHaveCount(0);
      await expect(board.itemsLeft).toHaveText('1 item left');

      await expect(board.toggleAll).toHaveText('Mark all done');
      const allDone = page.waitForResponse((r) => r.url().includes('/api/fn/set_all_completed'));
      await board.toggleAll.click();
      expect((await allDone).status()).toBe(200);
      await expect(board.task(OFFSITE).toggle).toBeChecked();
      await expect(board.itemsLeft).toHaveText('0 items left');
      await expect(board.toggleAll).toHaveText('Mark all not done');
      const allOpen = page.waitForResponse((r) => r.url().includes('/api/fn/set_all_completed'));
      await board.toggleAll.click();
      expect((await allOpen).status()).toBe(200);
      await expect(board.task(OFFSITE).toggle).not.toBeChecked();
      await expect(board.itemsLeft).toHaveText('1 item left');

      await page.reload();
      await board.expectShown();
      await board.expectTitles([OFFSITE]);
      await expect(board.itemsLeft).toHaveText('1 item left');
    });

    expect(errors, 'no console errors or page errors').toEqual([]);
  });

  test('a long list shows the first 100 tasks and the rest with Load more', async ({ page, baseURL }) => {
    const userId = await signUpByApi(page.request, baseURL!, newUser('many'));
    const token = ((await (await page.request.get('/api/auth/token')).json()) as { token: string }).token;
    const total = 105;
    for (let start = 1; start <= total; start += 15) {
      await Promise.all(
        Array.from({ length: Math.min(15, total - start + 1) }, (_, i) =>
          page.request
            .post(`/api/${userId}/tasks`, {
              headers: { Authorization: `Bearer ${token}` },
              data: { title: `Task ${String(start + i).padStart(3, '0')}` },
            })
            .then((response) => expect(response.status()).toBe(201)),
        ),
      );
    }

    const board = new TaskBoard(page);
    await board.goto('?sort=title&order=asc');
    await expect(board.itemsLeft).toHaveText(`${total} items left`);
    await expect(board.items).toHaveCount(100);
    await expect(board.titles.last()).toHaveText('Task 100');
    await expect(board.loadMore).toHaveText(`Load more (100 of ${total} shown)`);

    await board.loadMore.click();
    await expect(board.items).toHaveCount(total);
    await expect(board.titles.last()).toHaveText(`Task ${total}`);
    await expect(board.loadMore).toHaveCount(0);
  });
});
