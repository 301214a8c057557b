/**
 * Interop — a browser journey across key rotations (issue 16): a real Better Auth that rotates its
 * signing key every few seconds and issues JWTs that live 6 s (so the page has to fetch new ones while
 * the test runs), behind Ticklist in external mode (background JWKS reload only every 300 s). A user
 * signs up in Chromium through Ticklist's own sign-up page and keeps adding tasks while the keys
 * rotate: they stay signed in, and every call the page makes succeeds on its first try.
 */
import { type Browser, type BrowserContext, chromium, expect, type Page, type Request, test } from '@playwright/test';
import { decodeProtectedHeader } from 'jose';

import { AccountMenu, SignUpPage } from '../tests/support/auth';
import { TaskBoard } from '../tests/support/tasks';
import { newUser } from '../tests/support/users';
import {
  type ChildServer,
  attachLogsOnFailure,
  freePort,
  secret,
  startBetterAuth,
  startTicklist,
  tempDir,
} from './support';

/** Better Auth's key rotation interval, in seconds. */
const ROTATION_SECONDS = 3;
/** Lifetime of the JWTs Better Auth issues, in seconds (the page refreshes a third of it early). */
const TOKEN_SECONDS = 6;

let upstream: ChildServer;
let ticklist: ChildServer;
let dir: ReturnType<typeof tempDir>;
let ticklistUrl: string;
let browser: Browser;

test.beforeAll(async () => {
  dir = tempDir('rotation-journey');
  const ticklistPort = await freePort();
  ticklistUrl = `http://127.0.0.1:${ticklistPort}`;
  const [started] = await Promise.all([
    chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] }),
    (async () => {
      upstream = await startBetterAuth({
        port: await freePort(),
        databaseFile: dir.file('upstream.db'),
        secret: secret('journey'),
        baseURL: ticklistUrl,
        env: {
          JWKS_ROTATION_INTERVAL: String(ROTATION_SECONDS),
          JWKS_GRACE_PERIOD: '600',
          JWT_EXPIRATION_TIME: `${TOKEN_SECONDS}s`,
        },
      });
      ticklist = await startTicklist({
        port: ticklistPort,
        databaseFile: dir.file('ticklist.db'),
        secret: secret('ticklist'),
        upstream: upstream.url,
        env: { JWKS_REFRESH_INTERVAL: '300' },
      });
    })(),
  ]);
  browser = started;
});

test.afterAll(async () => {
  await browser?.close();
  await ticklist?.stop();
  await upstream?.stop();
  dir?.remove();
});

attachLogsOnFailure(() => [ticklist, upstream]);

/** The `kid` of the Bearer token a request carried, if any. */
async function bearerKid(request: Request): Promise<string | undefined> {
  const header = (await request.allHeaders())['authorization'];
  if (!header?.startsWith('Bearer ')) return undefined;
  return decodeProtectedHeader(header.slice('Bearer '.length)).kid;
}

test('a user stays signed in and every call succeeds while the signing key rotates under them', async () => {
  const context: BrowserContext = await browser.newContext({ baseURL: ticklistUrl });
  try {
    const page: Page = await context.newPage();
    const problems: string[] = [];
    const apiCalls: Array<{ call: string; status: number; kid?: string }> = [];
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (url.origin !== ticklistUrl || !url.pathname.startsWith('/api/')) return;
      const call = `${response.request().method()} ${url.pathname}`;
      const entry: { call: string; status: number; kid?: string } = { call, status: response.status() };
      apiCalls.push(entry);
      if (response.status() >= 400) problems.push(`${call} answered ${response.status()}`);
      entry.kid = await bearerKid(response.request()).catch(() => undefined);
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && new URL(frame.url()).pathname === '/sign-in') {
        problems.push(`sent to ${frame.url()}`);
      }
    });
    page.on('console', (message) => {
      const text = message.text();
      if (text.includes('panicked at') || /Content[- ]Security[- ]Policy/.test(text)) problems.push(`console: ${text}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    const user = newUser('rotation');
    const board = new TaskBoard(page);
    const account = new AccountMenu(page);

    await test.step('sign up through Ticklist’s page (proxied to Better Auth)', async () => {
      const signUp = new SignUpPage(page);
      await signUp.goto();
      await signUp.signUp(user);
      await expect(page).toHaveURL(`${ticklistUrl}/`);
      await board.expectShown();
      await account.expectSignedInAs(user);
    });

    const titles: string[] = [];
    const kidsUsed = () => new Set(apiCalls.filter((c) => c.kid && /^POST \/api\/[^/]+\/tasks$/.test(c.call)).map((c) => c.kid));
    const tokenFetches = () => apiCalls.filter((c) => c.call === 'GET /api/auth/token').length;

    await test.step('add tasks across at least two rotations of the signing key', async () => {
      const started = Date.now();
      const deadline = started + 30_000;
      let n = 0;
      // Until tasks were added with tokens of three different keys (two rotations), and after at
      // least two token refreshes.
      while (kidsUsed().size < 3 || tokenFetches() < 2) {
        expect(Date.now(), `three keys were used within 30 s (${JSON.stringify(apiCalls)})`).toBeLessThan(deadline);
        n += 1;
        const title = `Task ${n} at ${((Date.now() - started) / 1000).toFixed(1)} s`;
        await board.addTask({ title });
        titles.unshift(title);
        if (n % 3 === 0) {
          // A server-function call (list_tasks) with whatever token is current.
          const listed = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/fn/list_tasks'));
          await (n % 6 === 0 ? board.filterAll : board.filterActive).click();
          expect((await listed).status()).toBe(200);
        }
        expect(problems).toEqual([]);
        await page.waitForTimeout(1000);
      }
    });

    await test.step('after a reload the user is still signed in and every task is there', async () => {
      await board.goto();
      await account.expectSignedInAs(user);
      await board.expectTitles(titles);
      await board.addTask({ title: 'After the reload' });
    });

    expect(problems, `every call succeeded: ${JSON.stringify(apiCalls)}`).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/');
  } finally {
    await context.close();
  }
});
