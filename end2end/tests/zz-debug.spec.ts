import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

test(`debug clear completed`, async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL!, newUser('dbg'));
  const board = new TaskBoard(page);
  await board.goto();
  await board.addTask({ title: 'One' });
  await board.addTask({ title: 'Two' });
  await board.addTask({ title: 'Three' });
  await board.task('Two').toggleDone();
  await board.clearCompleted.click();
  await board.expectTitles(['Three', 'One']);
  await page.waitForTimeout(500);
});
test(`debug toggle in active view`, async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL!, newUser('dbg'));
  const board = new TaskBoard(page);
  await board.goto();
  await board.addTask({ title: 'One' });
  await board.addTask({ title: 'Two' });
  await board.goto('?status=pending');
  await board.task('Two').toggleDone();
  await board.expectTitles(['One']);
  await page.waitForTimeout(500);
});
