import type { APIRequestContext, APIResponse, BrowserContext, Page, Response } from '@playwright/test';

import { hydrated } from './support/app';
import { AccountMenu, SignInPage, SignUpPage } from './support/auth';
import { expect, test } from './support/fixtures';
import { MAIN_URL } from './support/servers';
import { TaskBoard } from './support/tasks';
import { newUser, signUpByApi, type User } from './support/users';

/**
 * Security hardening as a browser sees it: the headers on every response, a nonce Content-Security-Policy
 * on every page that still lets the islands hydrate (and that the browser really enforces), no open
 * redirect after signing in (with or without JavaScript, nor through Better Auth's `callbackURL`), and
 * the request limits (64 KiB bodies, 4 KB query strings) answered with problems.
 */

/** Spellings of "another site" that a prefix check takes for a local path but a browser does not. */
const OFF_SITE_NEXT = ['/\t/evil.example', '/\\evil.example', '//evil.example', '/\n/evil.example/x', '\\/evil.example'];

/** The headers every response carries. */
function expectBaseHeaders(headers: Record<string, string>, what: string): void {
  expect(headers['x-content-type-options'], `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers['x-frame-options'], `${what}: X-Frame-Options`).toBe('DENY');
  expect(headers['referrer-policy'], `${what}: Referrer-Policy`).toBe('strict-origin-when-cross-origin');
}

/** A policy as directive name -> its source list. */
function parsePolicy(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

interface ScriptTag {
  attributes: string;
  inline: boolean;
  module: boolean;
  nonce: string | undefined;
}

/** The `<script>` tags of a server-rendered page, as sent. */
function scriptTags(html: string): ScriptTag[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map(([, attributes]) => ({
    attributes,
    inline: !/\bsrc\s*=/i.test(attributes),
    module: /\btype\s*=\s*"?module"?/i.test(attributes),
    nonce: /\bnonce\s*=\s*"([^"]*)"/i.exec(attributes)?.[1],
  }));
}

/**
 * Checks a page's navigation response: the three base headers, a Content-Security-Policy with a nonce
 * that is exactly the nonce on the inline module script (and on every other inline script), no
 * 'unsafe-inline' or 'unsafe-eval' for scripts, and the rest of the policy. Returns the nonce.
 */
async function expectPagePolicy(page: Page, response: Response | null, what: string): Promise<string> {
  expect(response, `${what}: a navigation response`).not.toBeNull();
  expect(response!.status(), `${what}: status`).toBe(200);
  const headers = await response!.allHeaders();
  expectBaseHeaders(headers, what);
  expect(headers['content-type'], `${what}: an HTML page`).toMatch(/^text\/html/);

  const header = headers['content-security-policy'];
  expect(header, `${what}: Content-Security-Policy`).toBeTruthy();
  expect(headers['content-security-policy-report-only'], `${what}: enforced, not report-only`).toBeUndefined();
  const policy = parsePolicy(header);
  const scriptSrc = policy.get('script-src') ?? [];
  const nonces = scriptSrc.filter((source) => /^'nonce-.+'$/.test(source)).map((source) => source.slice(7, -1));
  expect(nonces, `${what}: script-src names exactly one nonce (${header})`).toHaveLength(1);
  const [nonce] = nonces;
  expect(nonce.length, `${what}: the nonce is long enough not to be guessed`).toBeGreaterThanOrEqual(16);
  expect(scriptSrc, `${what}: script-src`).toEqual(expect.arrayContaining(["'self'", "'wasm-unsafe-eval'"]));
  expect(scriptSrc, `${what}: no inline scripts without the nonce`).not.toContain("'unsafe-inline'");
  expect(scriptSrc, `${what}: no eval`).not.toContain("'unsafe-eval'");
  expect(scriptSrc.filter((s) => s === '*' || /^(https?:|data:|blob:)/.test(s)), `${what}: no other script origins`).toEqual([]);
  expect(policy.get('default-src'), `${what}: default-src`).toEqual(["'self'"]);
  expect(policy.get('object-src'), `${what}: object-src`).toEqual(["'none'"]);
  expect(policy.get('base-uri'), `${what}: base-uri`).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(policy.get('form-action'), `${what}: form-action`).toEqual(["'self'"]);
  expect(policy.get('connect-src'), `${what}: connect-src`).toEqual(["'self'"]);
  expect(policy.get('style-src') ?? [], `${what}: no inline styles`).not.toContain("'unsafe-inline'");

  const scripts = scriptTags(await response!.text());
  const inline = scripts.filter((s) => s.inline);
  const moduleScript = inline.find((s) => s.module);
  expect(moduleScript, `${what}: the page has Leptos's inline module script`).toBeDefined();
  expect(moduleScript!.nonce, `${what}: the inline module script carries the policy's nonce`).toBe(nonce);
  for (const script of inline) {
    expect(script.nonce, `${what}: every inline script carries the nonce: <script${script.attributes}>`).toBe(nonce);
  }

  // The browser's view of the same document (it hides the attribute, but keeps the property).
  const domScripts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('script')).map((s) => ({ inline: !s.src, type: s.type, nonce: s.nonce ?? '' })),
  );
  expect(
    domScripts.filter((s) => s.inline && s.type === 'module').map((s) => s.nonce),
    `${what}: the module script in the DOM has the nonce`,
  ).toContain(nonce);
  return nonce;
}

/** Opens `path` and checks its headers and policy; returns the nonce. */
async function openAndCheck(page: Page, path: string): Promise<string> {
  const response = await page.goto(path);
  return expectPagePolicy(page, response, `GET ${path}`);
}

/** Answers any request to evil.example itself (no DNS, no waiting) and counts them. */
async function trapOffSite(context: BrowserContext): Promise<string[]> {
  const hits: string[] = [];
  await context.route(
    (url) => url.hostname.endsWith('evil.example'),
    (route) => {
      hits.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' });
    },
  );
  return hits;
}

/** The token of a signed-in request context (`/api/auth/token` with its session cookie). */
async function bearerFor(request: APIRequestContext): Promise<string> {
  const response = await request.get('/api/auth/token');
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function expectProblem(response: APIResponse, status: number, what: string): Promise<void> {
  expect(response.status(), `${what}: status (${await response.text().catch(() => '')})`).toBe(status);
  const headers = response.headers();
  expect(headers['content-type'], `${what}: content type`).toMatch(/^application\/problem\+json/);
  expect((await response.json()).status, `${what}: the problem's status`).toBe(status);
  expectBaseHeaders(headers, what);
}

test.describe('security headers and the Content-Security-Policy', () => {
  test('sign-in and sign-up pages carry a fresh nonce policy matching their inline module script, and still hydrate', async ({
    page,
  }) => {
    const first = await openAndCheck(page, '/sign-in');
    await hydrated(page);
    await expect(new SignInPage(page).submit).toBeEnabled();

    const second = await openAndCheck(page, '/sign-in');
    expect(second, 'a new nonce for every response').not.toBe(first);
    await hydrated(page);

    const signUpNonce = await openAndCheck(page, '/sign-up');
    expect(signUpNonce).not.toBe(first);
    expect(signUpNonce).not.toBe(second);
    await hydrated(page);
  });

  test('a user signs up and in through the forms, and the signed-in board carries the policy and works under it', async ({
    page,
  }) => {
    const user = newUser('csp');
    const signUp = new SignUpPage(page);
    const signIn = new SignInPage(page);
    const account = new AccountMenu(page);
    const board = new TaskBoard(page);

    await test.step('sign up with the form (a post answered by a 303 to the board)', async () => {
      await expectPagePolicy(page, await page.goto('/sign-up'), 'GET /sign-up');
      await hydrated(page);
      const posted = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-up',
      );
      await signUp.signUp(user);
      expect((await posted).status()).toBe(303);
      await expect(page).toHaveURL(`${MAIN_URL}/`);
      await account.expectSignedInAs(user);
    });

    await test.step('the board has the policy, hydrates, and its REST and server-function calls work', async () => {
      await expectPagePolicy(page, await page.goto('/'), 'GET / (signed in)');
      await board.expectShown();
      await board.addTask({ title: 'Allowed by the policy' });
      const listed = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/fn/list_tasks'));
      await board.filterActive.click();
      expect((await listed).status()).toBe(200);
      await board.expectTitles(['Allowed by the policy']);
    });

    await test.step('sign out and in again with the form', async () => {
      await account.signOut();
      await expectPagePolicy(page, await page.goto('/sign-in'), 'GET /sign-in');
      await hydrated(page);
      const posted = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in',
      );
      await signIn.signIn(user);
      expect((await posted).status()).toBe(303);
      await expect(page).toHaveURL(`${MAIN_URL}/`);
      await account.expectSignedInAs(user);
      await board.expectTitles(['Allowed by the policy']);
    });
  });

  test('the browser enforces the policy: an injected inline script runs only with the page’s nonce, and eval is refused', async ({
    browser,
    baseURL,
  }) => {
    // A context of its own: the violations here are the point, not a failure of the app.
    const context = await browser.newContext({ baseURL });
    try {
      const page = await context.newPage();
      const reported: string[] = [];
      page.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/.test(message.text())) reported.push(message.text());
      });
      await page.goto('/sign-in');
      await hydrated(page);
      const outcome = await page.evaluate(async () => {
        const events: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => events.push(e.effectiveDirective));
        const w = window as unknown as { __withoutNonce?: boolean; __withNonce?: boolean; __eval?: string };
        const run = (code: string, nonce?: string) => {
          const script = document.createElement('script');
          if (nonce) script.nonce = nonce;
          script.textContent = code;
          document.body.appendChild(script);
        };
        // The page's own nonce, as the browser exposes it (the attribute itself is hidden).
        const moduleScript = Array.from(document.querySelectorAll('script')).find((s) => !s.src && s.type === 'module');
        const nonce = moduleScript?.nonce ?? '';
        run('window.__withoutNonce = true;');
        run('window.__withNonce = true;', nonce);
        // eval from page code, in a task of its own: Chromium exempts code that runs inside a DevTools
        // evaluation (page.evaluate and what it calls synchronously) from the eval check.
        run(
          'setTimeout(() => { try { new Function("return 1")(); window.__eval = "ran"; } catch (e) { window.__eval = e.name; } }, 0);',
          nonce,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { nonce, withoutNonce: w.__withoutNonce === true, withNonce: w.__withNonce === true, evaluated: w.__eval, events };
      });
      expect(outcome.nonce, 'the module script has a nonce').not.toBe('');
      expect(outcome.withoutNonce, 'an inline script without the nonce did not run').toBe(false);
      expect(outcome.withNonce, 'an inline script with the page’s nonce ran').toBe(true);
      expect(outcome.evaluated, 'eval is refused').toBe('EvalError');
      expect(outcome.events).toEqual(expect.arrayContaining(['script-src-elem', 'script-src']));
      expect(reported.length, 'Chromium logged the violations').toBeGreaterThanOrEqual(1);
    } finally {
      await context.close();
    }
  });

  test('the REST API, auth endpoints, static files and /healthz carry nosniff, DENY and the referrer policy', async ({
    request,
    baseURL,
  }) => {
    const user = newUser('headers');
    const userId = await signUpByApi(request, baseURL!, user);
    const token = await bearerFor(request);
    const auth = { authorization: `Bearer ${token}` };

    const created = await request.post(`/api/${userId}/tasks`, { headers: auth, data: { title: 'Sniff-proof' } });
    expect(created.status()).toBe(201);

    const checks: Array<[string, Promise<APIResponse>, number]> = [
      ['GET /healthz', request.get('/healthz'), 200],
      ['GET /readyz', request.get('/readyz'), 200],
      ['GET /api/{user}/tasks', request.get(`/api/${userId}/tasks`, { headers: auth }), 200],
      ['GET /api/{user}/tasks without a token', request.get(`/api/${userId}/tasks`), 401],
      ['GET /api/openapi.json', request.get('/api/openapi.json'), 200],
      ['GET /api/auth/get-session', request.get('/api/auth/get-session'), 200],
      ['GET /api/auth/jwks', request.get('/api/auth/jwks'), 200],
      ['GET /pkg/ticklist.css', request.get('/pkg/ticklist.css'), 200],
      ['GET /api/no-such-thing', request.get('/api/no-such-thing'), 404],
    ];
    expectBaseHeaders(created.headers(), 'POST /api/{user}/tasks');
    for (const [what, pending, status] of checks) {
      const response = await pending;
      expect(response.status(), what).toBe(status);
      expectBaseHeaders(response.headers(), what);
    }
  });
});

test.describe('no open redirect after signing in', () => {
  /** Someone who can sign in (created without touching the page's cookies). */
  async function existingUser(request: APIRequestContext, baseURL: string, label: string): Promise<User> {
    const user = newUser(label);
    await signUpByApi(request, baseURL, user);
    return user;
  }

  test('the sign-in form honours a local next and never follows one to another site', async ({
    page,
    request,
    baseURL,
  }) => {
    const user = await existingUser(request, baseURL!, 'redirect');
    const offSite = await trapOffSite(page.context());
    const signIn = new SignInPage(page);

    await test.step('a local next is followed (the check below is not vacuous)', async () => {
      await signIn.goto({ query: `?next=${encodeURIComponent('/?status=pending')}` });
      await signIn.signIn(user);
      await expect(page).toHaveURL(`${MAIN_URL}/?status=pending`);
      await page.context().clearCookies();
    });

    for (const next of OFF_SITE_NEXT) {
      await test.step(`next=${JSON.stringify(next)} ends on this site's board`, async () => {
        await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
        await signIn.expectShown();
        const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in');
        await signIn.signIn(user);
        expect((await posted).status()).toBe(303);
        await expect(page).toHaveURL(`${MAIN_URL}/`);
        await new TaskBoard(page).expectShown();
        expect(new URL(page.url()).host).toBe(new URL(MAIN_URL).host);
        await page.context().clearCookies();
      });
    }
    expect(offSite, 'no request ever went to evil.example').toEqual([]);
  });

  test('without JavaScript, the sign-in form post and a forged post both answer 303 to a local path', async ({
    browser,
    request,
    baseURL,
  }) => {
    const user = await existingUser(request, baseURL!, 'redirect-nojs');
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
    try {
      const offSite = await trapOffSite(context);
      const page = await context.newPage();
      const signIn = new SignInPage(page);

      await test.step('the form, opened with an off-site next, signs in and lands on /', async () => {
        await page.goto(`/sign-in?next=${encodeURIComponent('/\t/evil.example')}`);
        await signIn.expectShown({ hydrate: false });
        const posted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in');
        await signIn.signIn(user);
        const response = await posted;
        expect(response.status()).toBe(303);
        expect(response.headers()['location']).toBe('/');
        await expect(page).toHaveURL(`${MAIN_URL}/`);
        await new TaskBoard(page).expectShown({ hydrate: false });
      });

      await test.step('a hand-made post with an off-site next is sent to / as well', async () => {
        const post = (next: string) =>
          context.request.post('/sign-in', {
            headers: { Origin: baseURL! },
            form: { email: user.email, password: user.password, next },
            maxRedirects: 0,
          });
        const local = await post('/?status=completed');
        expect(local.status()).toBe(303);
        expect(local.headers()['location'], 'a local next is kept').toBe('/?status=completed');
        for (const next of OFF_SITE_NEXT) {
          const response = await post(next);
          expect(response.status(), JSON.stringify(next)).toBe(303);
          expect(response.headers()['location'], JSON.stringify(next)).toBe('/');
        }
      });

      await test.step('the no-JS sign-up post refuses an off-site next too', async () => {
        const other = newUser('redirect-nojs-up');
        const response = await context.request.post('/sign-up', {
          headers: { Origin: baseURL! },
          form: { name: other.name, email: other.email, password: other.password, next: '/\\evil.example' },
          maxRedirects: 0,
        });
        expect(response.status()).toBe(303);
        expect(response.headers()['location']).toBe('/');
      });
      expect(offSite, 'no request ever went to evil.example').toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('Better Auth’s callbackURL accepts a local path and refuses every spelling of another site', async ({
    request,
    baseURL,
  }) => {
    const user = await existingUser(request, baseURL!, 'callback');
    const signIn = (callbackURL: string) =>
      request.post('/api/auth/sign-in/email', {
        headers: { Origin: baseURL! },
        data: { email: user.email, password: user.password, callbackURL },
        maxRedirects: 0,
      });

    const local = await signIn('/?status=pending');
    expect(local.status()).toBe(200);
    expect(await local.json()).toMatchObject({ redirect: true, url: '/?status=pending' });

    for (const callbackURL of [...OFF_SITE_NEXT, 'https://evil.example/']) {
      const response = await signIn(callbackURL);
      const what = `callbackURL=${JSON.stringify(callbackURL)}`;
      expect(response.status(), `${what}: ${await response.text()}`).toBe(403);
      expect((await response.json()).code, what).toBe('INVALID_CALLBACK_URL');
      expect(response.headers()['location'], `${what}: no Location`).toBeUndefined();
      expect(response.headers()['set-cookie'] ?? '', `${what}: no session`).not.toContain('better-auth.session_token=');
    }
  });
});

test.describe('request limits', () => {
  const THREE_MIB = 3 * 1024 * 1024;
  const LIMIT = 64 * 1024;

  /** A signed-in page on its board, its bearer token, and the list_tasks server function's real URL. */
  async function signedInBoard(page: Page, baseURL: string) {
    const userId = await signUpByApi(page.request, baseURL, newUser('limits'));
    const auth = { authorization: `Bearer ${await bearerFor(page.request)}` };
    const board = new TaskBoard(page);
    await board.goto();
    const listed = page.waitForRequest((r) => new URL(r.url()).pathname.startsWith('/api/fn/list_tasks'));
    await board.filterActive.click();
    // The board calls it as /api/fn/list_tasks<hash>.
    const listTasks = new URL((await listed).url()).pathname;
    return { userId, auth, listTasks };
  }

  /** `query=aaa…` of exactly `bytes` bytes. */
  const formBody = (bytes: number) => Buffer.concat([Buffer.from('query='), Buffer.alloc(bytes - 6, 'a')]);
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  test('bodies up to 64 KiB reach a server function; one byte more answers 413 problem+json', async ({ page, baseURL }) => {
    const { auth, listTasks, userId } = await signedInBoard(page, baseURL!);
    // 64 KiB reaches list_tasks, which refuses a query that long as REST does (400), not the body (413).
    // (A server function's error is the problem body as JSON, under the server function's own type.)
    const atLimit = await page.request.post(listTasks, { headers: { ...auth, ...FORM }, data: formBody(LIMIT) });
    expect(atLimit.status(), `64 KiB to ${listTasks}`).toBe(400);
    expect((await atLimit.json()).errors?.[0]?.field, 'the query is named').toBe('query');
    // A short bad query is refused the same way, never read as the default view.
    const bad = await page.request.post(listTasks, {
      headers: { ...auth, ...FORM },
      data: `query=${encodeURIComponent('status=done&limit=0')}`,
    });
    expect(bad.status(), `POST ${listTasks} with status=done&limit=0`).toBe(400);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'status']);
    const over = await page.request.post(listTasks, { headers: { ...auth, ...FORM }, data: formBody(LIMIT + 1) });
    await expectProblem(over, 413, `POST ${listTasks} with 64 KiB + 1`);
    const rest = await page.request.post(`/api/${userId}/tasks`, {
      headers: { ...auth, 'content-type': 'application/json' },
      data: Buffer.from(JSON.stringify({ title: 'x', description: 'a'.repeat(LIMIT) })),
    });
    await expectProblem(rest, 413, 'POST /api/{user}/tasks with 64 KiB + 27');
  });

  test('a 3 MiB body sent by the page to a server function answers 413 problem+json', async ({ page, baseURL }) => {
    const { auth, listTasks } = await signedInBoard(page, baseURL!);
    for (const url of [listTasks, '/api/fn/list_tasks']) {
      const answer = await page.evaluate(
        async ({ url, auth, bytes }) => {
          const response = await fetch(url, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
            body: `query=${'a'.repeat(bytes - 6)}`,
          });
          return {
            status: response.status,
            contentType: response.headers.get('content-type'),
            nosniff: response.headers.get('x-content-type-options'),
            body: await response.text(),
          };
        },
        { url, auth, bytes: THREE_MIB },
      );
      const what = `fetch POST ${url} with 3 MiB`;
      expect(answer.status, `${what}: ${answer.body}`).toBe(413);
      expect(answer.contentType, what).toMatch(/^application\/problem\+json/);
      expect(answer.nosniff, what).toBe('nosniff');
      expect(JSON.parse(answer.body).status, what).toBe(413);
    }
  });

  // Fails until the server reads (and discards) an oversized body before closing: clients still writing get EPIPE.
  test.fixme('a 3 MiB body from Playwright’s request context to a server function or the REST API answers 413 problem+json', async ({
    page,
    baseURL,
  }) => {
    const { auth, listTasks, userId } = await signedInBoard(page, baseURL!);
    for (const url of [listTasks, '/api/fn/list_tasks']) {
      const response = await page.request.post(url, { headers: { ...auth, ...FORM }, data: formBody(THREE_MIB) });
      await expectProblem(response, 413, `POST ${url} with 3 MiB`);
    }
    const rest = await page.request.post(`/api/${userId}/tasks`, {
      headers: { ...auth, 'content-type': 'application/json' },
      data: Buffer.from(JSON.stringify({ title: 'x', description: 'a'.repeat(THREE_MIB) })),
    });
    await expectProblem(rest, 413, 'POST /api/{user}/tasks with 3 MiB');
  });

  test('a query string over 4096 bytes answers 414 problem+json; one of 4096 does not', async ({ request }) => {
    const query = (bytes: number) => `q=${'a'.repeat(bytes - 2)}`;
    await expectProblem(await request.get(`/?${query(5000)}`, { maxRedirects: 0 }), 414, 'GET /?<5000 bytes>');
    await expectProblem(await request.get(`/healthz?${query(4097)}`), 414, 'GET /healthz?<4097 bytes>');
    expect((await request.get(`/healthz?${query(4096)}`)).status(), 'GET /healthz?<4096 bytes>').toBe(200);
  });
});
