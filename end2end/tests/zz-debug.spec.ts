import AxeBuilder from '@axe-core/playwright';
import { test } from '@playwright/test';
import { SignInPage } from './support/auth';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

test(`debug contrast`, async ({ page, baseURL }) => {
  await new SignInPage(page).goto();
  let r = await new AxeBuilder({ page }).analyze();
  for (const v of r.violations) for (const n of v.nodes) console.log(v.id, n.target.join(' '), n.any.map((a) => a.message).join(' | '));
  await signUpByApi(page.request, baseURL!, newUser('dbg'));
  const board = new TaskBoard(page);
  await board.goto();
  await board.addTask({ title: 'x' });
  await board.deleteTask('x');
  r = await new AxeBuilder({ page }).analyze();
  for (const v of r.violations) for (const n of v.nodes) console.log(v.id, n.target.join(' '), n.any.map((a) => a.message).join(' | '));
});
