import type { Page, TestInfo } from '@playwright/test';

import { SignInPage } from './support/auth';
import { utcDate } from './support/dates';
import { expect, test } from './support/fixtures';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi } from './support/users';

/**
 * The layout works from a small phone (375 px) to a desktop (1280 px): no horizontal scrolling, and a
 * screenshot of each page at each width is attached to the report for a human to look at.
 */

const WIDTHS = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

/** Whether the page is wider than the window (it would scroll sideways). */
async function expectNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${what}: page width ${scrollWidth} fits the window (${clientWidth})`).toBeLessThanOrEqual(
    clientWidth,
  );
}

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}

for (const size of WIDTHS) {
  test.describe(`at ${size.width} px wide (${size.name})`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test(`the sign-in page fits ${size.width} px without horizontal scrolling`, async ({ page }, testInfo) => {
      const signIn = new SignInPage(page);
      await signIn.goto({ query: '?reason=expired' });
      await signIn.signIn({ email: newUser('nobody').email, password: 'wrong-password' });
      await expect(page.locator('#password-error')).not.toBeEmpty();
      await expect(signIn.submit).toBeInViewport();
      await expectNoHorizontalScroll(page, 'sign-in');
      await attachScreenshot(page, testInfo, `sign-in-${size.width}px.png`);
    });

    test(`the task list fits ${size.width} px without horizontal scrolling`, async ({ page, baseURL }, testInfo) => {
      await signUpByApi(page.request, baseURL!, newUser('responsive'));
      const board = new TaskBoard(page);
      await board.goto();
      await board.addTask({
        title: 'A rather long task title that needs to wrap nicely on a narrow phone screen without overflowing',
        description: 'Averyveryverylongwordwithoutanyspacesthatcouldpushthelayoutwiderthanthescreenifnothandled',
        priority: 'high',
        due: utcDate(-1),
        tags: 'home, errands, someverylongtagname, work, weekend',
      });
      await board.addTask({ title: 'Water the plants', priority: 'low', due: utcDate(0), tags: 'garden' });
      await board.addTask({ title: 'Short one' });
      await board.task('Short one').toggleDone();
      await board.openDetails();

      await expect(board.items).toHaveCount(3);
      await expectNoHorizontalScroll(page, 'task list');
      await attachScreenshot(page, testInfo, `tasks-${size.width}px.png`);

      // The inline editor fits too.
      await board.task('Water the plants').openEditorWithButton();
      await expectNoHorizontalScroll(page, 'task list while editing');
      await attachScreenshot(page, testInfo, `tasks-editing-${size.width}px.png`);
    });
  });
}
