import type { Request } from '@playwright/test';

import { hydrated, jwtClaims } from './support/app';
import { AccountMenu, SignInPage } from './support/auth';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * Every call the browser makes to the tasks API and to the server functions carries
 * `Authorization: Bearer <jwt>` for the signed-in user.
 */

const REST = /^\/api\/[^/]+\/tasks(\/|$)/;
const SERVER_FN = /^\/api\/fn\//;

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

/** What kind of call a request is, for the coverage check. */
function kind({ method, path }: Seen): string {
  if (SERVER_FN.test(path)) return `fn ${path.replace(SERVER_FN, '').replace(/\d+$/, '')}`;
  if (method === 'PATCH' && path.endsWith('/complete')) return 'PATCH complete';
  if (/\/tasks\/\d+$/.test(path)) return `${method} task`;
  return `${method} tasks`;
}

test.describe('bearer tokens on API calls', () => {
  test('every tasks API call and task server function carries the user’s bearer token', async ({ page, baseURL }) => {
    test.slow(); // waits out the real 5-second undo window of a delete
    const userId = await signUpByApi(page.request, baseURL!, newUser('bearer'));
    const board = new TaskBoard(page);

    const requests: Request[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (REST.test(path) || SERVER_FN.test(path)) {
        requests.push(request);
      }
    });

    await board.goto();

    await test.step('create, toggle and edit (REST)', async () => {
      await board.addTask({ title: 'Bearer task one', priority: 'high', tags: 'auth' });
      await board.addTask({ title: 'Bearer task two' });
      await board.addTask({ title: 'Bearer task three' });
      await board.task('Bearer task two').toggleDone();
      const editor = await board.task('Bearer task three').openEditorByDoubleClick();
      await editor.fill({ title: 'Bearer task three, edited' });
      await editor.saveWithEnter();
    });

    await test.step('filter, search and sort (server functions on client-side navigation)', async () => {
      const listed = () => page.waitForResponse((r) => r.url().includes('/api/fn/list_tasks') && r.ok());
      let answered = listed();
      await board.filterActive.click();
      await answered;
      await board.expectTitles(['Bearer task three, edited', 'Bearer task one']);

      answered = listed();
      await board.filterCompleted.click();
      await answered;
      await board.expectTitles(['Bearer task two']);

      answered = listed();
      await board.filterAll.click();
      await answered;

      answered = listed();
      await board.sort.selectOption('title');
      await answered;
      await board.expectTitles(['Bearer task one', 'Bearer task three, edited', 'Bearer task two']);

      answered = listed();
      await board.searchFor('bearer task'); // matches every task
      await answered;
      await expect(board.items).toHaveCount(3);
    });

    await test.step('delete (REST, after the undo window)', async () => {
      const deleted = board.waitForDeletion();
      await board.deleteTask('Bearer task one');
      await deleted;
    });

    await test.step('mark all done and clear completed (server functions)', async () => {
      let answered = page.waitForResponse((r) => r.url().includes('/api/fn/set_all_completed') && r.ok());
      await board.toggleAll.click();
      await answered;
      await expect(board.itemsLeft).toHaveText('0 items left');

      answered = page.waitForResponse((r) => r.url().includes('/api/fn/clear_completed') && r.ok());
      await board.clearCompleted.click();
      await answered;
      await expect(board.items).toHaveCount(0);
    });

    const seen: Seen[] = await Promise.all(
      requests.map(async (request) => ({
        method: request.method(),
        path: new URL(request.url()).pathname,
        authorization: (await request.allHeaders())['authorization'],
      })),
    );

    // The session did every kind of call at least once.
    const kinds = new Set(seen.map(kind));
    for (const expected of [
      'POST tasks',
      'PATCH complete',
      'PATCH task',
      'DELETE task',
      'fn list_tasks',
      'fn set_all_completed',
      'fn clear_completed',
    ]) {
      expect(kinds, `a "${expected}" call was made`).toContain(expected);
    }

    for (const call of seen) {
      const where = `${call.method} ${call.path}`;
      expect(call.authorization, `${where} has a bearer token`).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = jwtClaims(call.authorization!.slice('Bearer '.length));
      expect(claims.sub, `${where}: the token is the signed-in user's`).toBe(userId);
      expect(claims.iss, `${where}: the token is this server's`).toBe(baseURL);
      if (REST.test(call.path)) {
        expect(call.path, `${where}: the path is the user's own`).toMatch(
          new RegExp(`^/api/${encodeURIComponent(userId)}/tasks`),
        );
      }
    }
  });

  test('after signing in through the form, the board’s server-function calls carry the new user’s token', async ({
    page,
    baseURL,
  }) => {
    const user = newUser('bearer-sign-in');
    const userId = await signUpByApi(page.request, baseURL!, user);
    await page.context().clearCookies(); // signed up, but this browser is not signed in
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(user);
    await new AccountMenu(page).expectSignedInAs(user);

    // The token came from get-session during the sign-in; the next page load must still carry it.
    const board = new TaskBoard(page);
    await hydrated(page);
    const listed = page.waitForRequest((r) => new URL(r.url()).pathname.startsWith('/api/fn/list_tasks'));
    await board.filterActive.click();
    const authorization = (await (await listed).allHeaders())['authorization'];
    expect(authorization, 'list_tasks has a bearer token').toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(jwtClaims(authorization!.slice('Bearer '.length)).sub).toBe(userId);
  });
});
