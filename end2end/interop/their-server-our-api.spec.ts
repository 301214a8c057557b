/**
 * Interop 2 — their server, our API: a real Better Auth server behind Ticklist in external mode
 * (`BETTER_AUTH_UPSTREAM`). The browser-facing origin is Ticklist's, so that is Better Auth's `baseURL`
 * (and thus the JWT iss/aud). Ticklist proxies /api/auth/* and verifies JWTs against the upstream JWKS.
 */
import { expect, test } from '@playwright/test';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';

import {
  AuthSession,
  type ChildServer,
  attachLogsOnFailure,
  freePort,
  secret,
  startBetterAuth,
  startTicklist,
  tasksApi,
  tempDir,
  uniqueEmail,
} from './support';

let upstream: ChildServer; // the Better Auth that Ticklist uses
let stranger: ChildServer; // another Better Auth: same baseURL, its own secret, database and keys
let ticklist: ChildServer;
let dir: ReturnType<typeof tempDir>;
let ticklistUrl: string;

test.beforeAll(async () => {
  dir = tempDir('external');
  const ticklistPort = await freePort();
  ticklistUrl = `http://127.0.0.1:${ticklistPort}`;
  upstream = await startBetterAuth({
    port: await freePort(),
    databaseFile: dir.file('upstream.db'),
    secret: secret('upstream'),
    baseURL: ticklistUrl,
  });
  stranger = await startBetterAuth({
    port: await freePort(),
    databaseFile: dir.file('stranger.db'),
    secret: secret('stranger'),
    baseURL: ticklistUrl,
  });
  ticklist = await startTicklist({
    port: ticklistPort,
    databaseFile: dir.file('ticklist.db'),
    secret: secret('ticklist'),
    upstream: upstream.url,
  });
});

test.afterAll(async () => {
  await ticklist?.stop();
  await upstream?.stop();
  await stranger?.stop();
  dir?.remove();
});

attachLogsOnFailure(() => [ticklist, upstream, stranger]);

test('a user signed up through Ticklist’s proxied /api/auth gets a JWT that Ticklist’s REST API accepts', async () => {
  const browser = new AuthSession(ticklistUrl, ticklistUrl);
  const email = uniqueEmail('external');
  const password = 'correct horse battery staple';

  const userId = await test.step('sign-up through Ticklist reaches Better Auth', async () => {
    const response = await browser.signUp(email, password, 'External User');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.user.email).toBe(email);
    return body.user.id as string;
  });

  await test.step('the user exists upstream: a direct sign-in on Better Auth works', async () => {
    const direct = new AuthSession(upstream.url, ticklistUrl);
    const response = await direct.signIn(email, password);
    expect(response.status).toBe(200);
    expect((await response.json()).user.id).toBe(userId);
  });

  await test.step('sign-in through Ticklist sets the session cookie', async () => {
    const response = await browser.signIn(email, password);
    expect(response.status).toBe(200);
    expect((await response.json()).user.id).toBe(userId);
    expect(browser.sessionCookie()).toBeTruthy();
  });

  const jwt = await test.step('get-session through Ticklist returns a JWT in set-auth-jwt', async () => {
    const jwt = await browser.jwtFromGetSession();
    const claims = decodeJwt(jwt);
    expect(claims.sub).toBe(userId);
    expect(claims.iss).toBe(ticklistUrl);
    expect(claims.aud).toBe(ticklistUrl);
    return jwt;
  });

  await test.step('the JWT verifies against the JWKS that Ticklist proxies and against Better Auth’s own', async () => {
    for (const jwksUrl of [`${ticklistUrl}/api/auth/jwks`, `${upstream.url}/api/auth/jwks`]) {
      await jwtVerify(jwt, createRemoteJWKSet(new URL(jwksUrl)), { issuer: ticklistUrl, audience: ticklistUrl });
    }
  });

  await test.step('Ticklist’s REST API accepts the JWT: the task is created and listed', async () => {
    const api = tasksApi(ticklistUrl, userId, jwt);
    const created = await api.create('Proxied task');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ title: 'Proxied task', user_id: userId });
    const listed = await api.list();
    expect(listed.status).toBe(200);
    expect((await listed.json()).map((task: { title: string }) => task.title)).toEqual(['Proxied task']);
  });
});

test('pages rendered by Ticklist know the user signed in on the upstream Better Auth', async () => {
  const browser = new AuthSession(ticklistUrl, ticklistUrl);
  const email = uniqueEmail('external-ssr');
  const signUp = await browser.signUp(email, 'correct horse battery staple', 'Upstream Reader');
  expect(signUp.status).toBe(200);
  const userId = (await signUp.json()).user.id as string;
  const jwt = await browser.jwtFromGetSession();
  expect((await tasksApi(ticklistUrl, userId, jwt).create('Rendered on the server')).status).toBe(201);

  /** GET a page as a browser would (session cookie, HTML), without following redirects. */
  const page = (cookie?: string) =>
    fetch(`${ticklistUrl}/`, { redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });

  await test.step('signed in upstream: the board is rendered with the user and their task', async () => {
    const response = await page(browser.jar.header());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-testid="user-name"');
    expect(html).toContain('Upstream Reader');
    expect(html).toContain('Rendered on the server');
  });

  await test.step('without a session, and with the cookie of a session ended upstream: sent to sign in', async () => {
    const anonymous = await page();
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toMatch(/^\/sign-in/);
    const stale = browser.jar.header();
    expect((await browser.signOut()).status).toBe(200);
    expect((await page(stale)).status).toBe(302);
  });
});

test('a JWT from another Better Auth instance with the same baseURL is refused with 401', async () => {
  const other = new AuthSession(stranger.url, ticklistUrl);
  const signUp = await other.signUp(uniqueEmail('stranger'), 'correct horse battery staple', 'Stranger');
  expect(signUp.status).toBe(200);
  const userId = (await signUp.json()).user.id as string;
  const jwt = await other.jwtFromGetSession();

  // Same claims as a genuine token (iss/aud are Ticklist's origin); only the signing key differs.
  const claims = decodeJwt(jwt);
  expect(claims.iss).toBe(ticklistUrl);
  expect(claims.aud).toBe(ticklistUrl);
  expect(claims.sub).toBe(userId);

  const api = tasksApi(ticklistUrl, userId, jwt);
  expect((await api.list()).status).toBe(401);
  expect((await api.create('Should not exist')).status).toBe(401);
});
