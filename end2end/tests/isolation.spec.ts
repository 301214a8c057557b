import type { BrowserContext, Page } from '@playwright/test';

import { cachedToken } from './support/app';
import { AccountMenu } from './support/auth';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi, type User } from './support/users';

/**
 * Two people using Ticklist at the same time, each in their own browser context: each sees only their
 * own tasks, whatever the view, the reloads and the links they open.
 */

interface Person {
  user: User;
  id: string;
  context: BrowserContext;
  page: Page;
  board: TaskBoard;
}

async function person(
  browser: import('@playwright/test').Browser,
  baseURL: string,
  label: string,
): Promise<Person> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const user = newUser(label);
  const id = await signUpByApi(context.request, baseURL, user);
  const board = new TaskBoard(page);
  await board.goto();
  await new AccountMenu(page).expectSignedInAs(user);
  return { user, id, context, page, board };
}

test.describe('isolation between users', () => {
  let alice: Person;
  let bob: Person;

  test.beforeEach(async ({ browser, baseURL }) => {
    alice = await person(browser, baseURL!, 'alice');
    bob = await person(browser, baseURL!, 'bob');
  });

  test.afterEach(async () => {
    await alice?.context.close();
    await bob?.context.close();
  });

  test('two users in separate browsers see only their own tasks, also after reloads', async () => {
    await alice.board.addTask({ title: 'Alice secret plan', priority: 'high', tags: 'shared' });
    await alice.board.addTask({ title: 'Alice finished errand', tags: 'shared' });
    await alice.board.task('Alice finished errand').toggleDone();
    await bob.board.addTask({ title: 'Bob weekly review', priority: 'high', tags: 'shared' });

    await alice.board.expectTitles(['Alice finished errand', 'Alice secret plan']);
    await expect(alice.board.itemsLeft).toHaveText('1 item left');
    await bob.board.expectTitles(['Bob weekly review']);
    await expect(bob.board.itemsLeft).toHaveText('1 item left');

    for (const { page, board } of [alice, bob]) {
      await page.reload();
      await board.expectShown();
    }
    await alice.board.expectTitles(['Alice finished errand', 'Alice secret plan']);
    await bob.board.expectTitles(['Bob weekly review']);
    await expect(bob.board.clearCompleted).toHaveCount(0);

    // Client-side navigation (server functions) keeps them apart too.
    await bob.board.filterCompleted.click();
    await expect(bob.page).toHaveURL(/status=completed/);
    await expect(bob.board.items).toHaveCount(0);
    await bob.board.filterAll.click();
    await bob.board.expectTitles(['Bob weekly review']);
  });

  test('a filtered link copied from another user shows only the opener’s own tasks', async () => {
    await alice.board.addTask({ title: 'Alice secret plan', priority: 'high', tags: 'shared' });
    await alice.board.addTask({ title: 'Alice other secret', priority: 'high', tags: 'shared' });
    await bob.board.addTask({ title: 'Bob weekly review', priority: 'high', tags: 'shared' });
    await bob.board.addTask({ title: 'Bob low-key chore', priority: 'low', tags: 'shared' });

    // Alice builds a view and copies its address.
    await alice.board.goto('?status=pending&tag=shared&priority=high&sort=title&order=asc');
    await alice.board.expectTitles(['Alice other secret', 'Alice secret plan']);
    const link = alice.page.url();

    // Bob opens it: same filters, his tasks only.
    await bob.page.goto(link);
    await bob.board.expectShown();
    await expect(bob.board.priorityFilter).toHaveValue('high');
    await expect(bob.board.sort).toHaveValue('title');
    await bob.board.expectTitles(['Bob weekly review']);
    await expect(bob.board.itemsLeft).toHaveText('2 items left');

    // And a search for Alice's words finds nothing for Bob.
    await bob.page.goto('/?q=secret');
    await bob.board.expectShown();
    await expect(bob.board.items).toHaveCount(0);
    await expect(bob.board.empty).toContainText('No tasks match this view.');
  });

  test('the tasks API refuses one user’s token on another user’s tasks', async () => {
    const secret = await alice.board.addTask({ title: 'Alice secret plan' });
    const aliceTaskId = await secret.id();
    await bob.board.addTask({ title: 'Bob weekly review' }); // Bob now has a cached token
    const bobToken = (await cachedToken(bob.page))?.token;
    expect(bobToken, 'Bob has an access token').toBeTruthy();
    const auth = { Authorization: `Bearer ${bobToken}` };
    const api = bob.context.request;

    const list = await api.get(`/api/${alice.id}/tasks`, { headers: auth });
    expect(list.status()).toBe(403);
    expect(await list.text()).not.toContain('Alice secret plan');

    // Under his own path, Alice's task does not exist for Bob.
    const read = await api.get(`/api/${bob.id}/tasks/${aliceTaskId}`, { headers: auth });
    expect(read.status()).toBe(404);
    const change = await api.patch(`/api/${bob.id}/tasks/${aliceTaskId}`, {
      headers: auth,
      data: { title: 'Taken over by Bob' },
    });
    expect(change.status()).toBe(404);
    const removal = await api.delete(`/api/${bob.id}/tasks/${aliceTaskId}`, { headers: auth });
    expect(removal.status()).toBe(404);

    // Alice's task is untouched.
    await alice.page.reload();
    await alice.board.expectShown();
    await alice.board.expectTitles(['Alice secret plan']);
  });
});
