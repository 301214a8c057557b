/**
 * Interop 1 — our server, their client: the real `better-auth/client` (with `jwtClient()`) against
 * Ticklist's embedded Better Auth implementation, and `jose` verifying Ticklist's JWTs.
 */
import { expect, test } from '@playwright/test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import {
  type ChildServer,
  SESSION_COOKIE,
  attachLogsOnFailure,
  freePort,
  secret,
  startTicklist,
  tasksApi,
  tempDir,
  theirClient,
  uniqueEmail,
} from './support';

let ticklist: ChildServer;
let dir: ReturnType<typeof tempDir>;

test.beforeAll(async () => {
  dir = tempDir('client');
  ticklist = await startTicklist({ port: await freePort(), databaseFile: dir.file('ticklist.db'), secret: secret('client') });
});

test.afterAll(async () => {
  await ticklist?.stop();
  dir?.remove();
});

attachLogsOnFailure(() => [ticklist]);

test('the better-auth client signs up, signs in, gets a verifiable JWT, uses the REST API and signs out', async () => {
  const origin = ticklist.url;
  const { client, jar, seen } = theirClient(origin);
  const email = uniqueEmail('client');
  const password = 'correct horse battery staple';

  const userId = await test.step('sign up creates the user and a session', async () => {
    const { data, error } = await client.signUp.email({ email, password, name: 'Client User' });
    expect(error).toBeNull();
    expect(data?.user.email).toBe(email);
    expect(data?.token).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(jar.get(SESSION_COOKIE)).toBeTruthy();
    return data!.user.id;
  });

  await test.step('sign in returns the same user and a new session cookie', async () => {
    const before = jar.get(SESSION_COOKIE);
    const { data, error } = await client.signIn.email({ email, password, rememberMe: true });
    expect(error).toBeNull();
    expect(data?.user.id).toBe(userId);
    expect(data?.redirect).toBe(false);
    expect(jar.get(SESSION_COOKIE)).toBeTruthy();
    expect(jar.get(SESSION_COOKIE)).not.toBe(before);
  });

  const headerJwt = await test.step('get-session returns the session and the user, and a JWT in set-auth-jwt', async () => {
    seen.lastJwtHeader = null;
    const { data, error } = await client.getSession();
    expect(error).toBeNull();
    expect(data?.user.id).toBe(userId);
    expect(data?.user.email).toBe(email);
    expect(data?.session.userId).toBe(userId);
    expect(seen.lastJwtHeader).toBeTruthy();
    return seen.lastJwtHeader!;
  });

  const tokenJwt = await test.step('authClient.token() returns a JWT', async () => {
    const { data, error } = await client.token();
    expect(error).toBeNull();
    expect(data?.token).toBeTruthy();
    return data!.token;
  });

  await test.step('both JWTs verify with jose against /api/auth/jwks, with iss and aud the origin', async () => {
    const jwks = createRemoteJWKSet(new URL(`${origin}/api/auth/jwks`));
    for (const jwt of [headerJwt, tokenJwt]) {
      const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: origin, audience: origin });
      expect(protectedHeader.alg).toBe('EdDSA');
      expect(protectedHeader.kid).toBeTruthy();
      expect(payload.sub).toBe(userId);
      expect(payload.email).toBe(email);
      expect(payload.exp! - payload.iat!).toBe(900);
    }
    expect(decodeProtectedHeader(headerJwt).kid).toBe(decodeProtectedHeader(tokenJwt).kid);
  });

  await test.step('the JWT creates and lists a task through the REST API', async () => {
    const api = tasksApi(origin, userId, tokenJwt);
    const created = await api.create('Buy milk');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ title: 'Buy milk', user_id: userId, completed: false });
    const listed = await api.list();
    expect(listed.status).toBe(200);
    expect((await listed.json()).map((task: { title: string }) => task.title)).toEqual(['Buy milk']);
  });

  const oldCookie = jar.header()!;

  await test.step('sign out succeeds and clears the cookie', async () => {
    const { data, error } = await client.signOut();
    expect(error).toBeNull();
    expect(data).toEqual({ success: true });
    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  await test.step('after sign-out get-session is null and /token is 401, even with the old cookie', async () => {
    const { data, error } = await client.getSession();
    expect(error).toBeNull();
    expect(data).toBeNull();
    expect((await client.token()).error?.status).toBe(401);

    // Better Auth answers a correctly signed cookie whose session is gone with the three clearing cookies,
    // on get-session and on /token alike (its session middleware does it).
    const clearing = [
      'better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ];

    const session = await fetch(`${origin}/api/auth/get-session`, { headers: { cookie: oldCookie } });
    expect(session.status).toBe(200);
    expect(await session.text()).toBe('null');
    expect(session.headers.get('set-auth-jwt')).toBeNull();
    expect(session.headers.getSetCookie()).toEqual(clearing);

    const token = await fetch(`${origin}/api/auth/token`, { headers: { cookie: oldCookie } });
    expect(token.status).toBe(401);
    expect(await token.json()).toEqual({ message: 'Unauthorized', code: 'UNAUTHORIZED' });
    expect(token.headers.getSetCookie()).toEqual(clearing);
  });
});
