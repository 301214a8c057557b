import { expect, test } from '@playwright/test';
import { SignInPage } from './support/auth';
import { newUser, signUpByApi } from './support/users';

test(`debug next`, async ({ page, baseURL, request }) => {
  const r = await request.get('/?status=completed&sort=title', { maxRedirects: 0 });
  console.log('SSR', r.status(), r.headers()['location']);
  const user = newUser('dbg');
  await signUpByApi(request, baseURL!, user);
  await page.goto('/?status=completed&sort=title');
  console.log('JS url', page.url());
  const s = new SignInPage(page);
  await s.expectShown();
  await s.signIn(user);
  await page.waitForTimeout(1500);
  console.log('after sign in', page.url(), await page.locator('h1').allTextContents());
});
