/**
 * Interop 3 — shared database: Ticklist (embedded mode) and a real Better Auth server on the same SQLite
 * file, with the same BETTER_AUTH_SECRET and the same baseURL (Ticklist's URL, so the JWT iss/aud and the
 * trusted origin are the same for both). Ticklist starts first and migrates; Better Auth then finds the
 * tables there. Every client sends `Origin: <Ticklist's URL>`.
 */
import { expect, test } from '@playwright/test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

import { SESSION_COOKIE, migrationPlan, sharedPair, tasksApi, uniqueEmail } from './support';

const PASSWORD = 'correct horse battery staple';

test.describe('users and sessions', () => {
  const pair = sharedPair('shared');

  test('Better Auth starts on the database Ticklist migrated and finds every table already there', () => {
    expect(migrationPlan(pair.betterAuth)).toEqual({ toBeCreated: [], toBeAdded: [], toBeAddedIndexes: [] });
  });

  test('a user who signed up on Better Auth signs in on Ticklist with the same password', async () => {
    const email = uniqueEmail('ba-first');
    const signUp = await pair.onBetterAuth().signUp(email, PASSWORD, 'Signed Up On Better Auth');
    expect(signUp.status).toBe(200);
    const user = (await signUp.json()).user;

    const signIn = await pair.onTicklist().signIn(email, PASSWORD);
    expect(signIn.status).toBe(200);
    expect((await signIn.json()).user).toEqual(user);

    const wrong = await pair.onTicklist().signIn(email, `${PASSWORD}!`);
    expect(wrong.status).toBe(401);
  });

  test('a user who signed up on Ticklist signs in on Better Auth with the same password', async () => {
    const email = uniqueEmail('ticklist-first');
    const signUp = await pair.onTicklist().signUp(email, PASSWORD, 'Signed Up On Ticklist');
    expect(signUp.status).toBe(200);
    const user = (await signUp.json()).user;

    const signIn = await pair.onBetterAuth().signIn(email, PASSWORD);
    expect(signIn.status).toBe(200);
    expect((await signIn.json()).user).toEqual(user);

    const wrong = await pair.onBetterAuth().signIn(email, `${PASSWORD}!`);
    expect(wrong.status).toBe(401);
  });

  test('a session cookie issued by either server is accepted by the other’s get-session', async () => {
    const email = uniqueEmail('cookie');
    const fromBetterAuth = pair.onBetterAuth();
    expect((await fromBetterAuth.signUp(email, PASSWORD, 'Cookie User')).status).toBe(200);
    const fromTicklist = pair.onTicklist();
    expect((await fromTicklist.signIn(email, PASSWORD)).status).toBe(200);

    for (const [issuer, reader] of [
      [fromBetterAuth, pair.onTicklist()],
      [fromTicklist, pair.onBetterAuth()],
    ] as const) {
      const what = `${issuer.baseUrl}'s cookie on ${reader.baseUrl}`;
      const own = await (await issuer.getSession()).json();
      expect(own?.user?.email, `${issuer.baseUrl}'s own get-session`).toBe(email);

      reader.jar.set(SESSION_COOKIE, issuer.sessionCookie());
      const response = await reader.getSession();
      expect(response.status, what).toBe(200);
      expect(response.headers.get('set-auth-jwt'), what).toBeTruthy();
      expect(await response.json(), what).toEqual(own);
    }
  });
});

for (const first of ['Better Auth', 'Ticklist'] as const) {
  test.describe(`signing keys when ${first} creates the first one`, () => {
    const pair = sharedPair(first === 'Ticklist' ? 'keys-ticklist' : 'keys-ba');

    test(`${first} creates the key, the other signs with it, and every token verifies against both JWKS endpoints`, async () => {
      const email = uniqueEmail('jwt');
      const signUp = await pair.onTicklist().signUp(email, PASSWORD, 'JWT User');
      expect(signUp.status).toBe(200);
      const userId = (await signUp.json()).user.id;
      const onBA = pair.onBetterAuth();
      expect((await onBA.signIn(email, PASSWORD)).status).toBe(200);
      const onT = pair.onTicklist();
      expect((await onT.signIn(email, PASSWORD)).status).toBe(200);
      expect(pair.keyIds(), 'no key before the first JWT').toEqual([]);

      const [firstSession, secondSession] = first === 'Ticklist' ? [onT, onBA] : [onBA, onT];
      const firstJwt = await firstSession.jwtFromGetSession();
      const keyIds = pair.keyIds();
      expect(keyIds).toHaveLength(1);
      expect(decodeProtectedHeader(firstJwt).kid).toBe(keyIds[0]);

      const secondJwt = await secondSession.jwtFromGetSession();
      expect(decodeProtectedHeader(secondJwt).kid).toBe(keyIds[0]);
      expect(pair.keyIds()).toEqual(keyIds);

      const { iat: _i1, exp: _e1, ...firstClaims } = decodeJwt(firstJwt);
      const { iat: _i2, exp: _e2, ...secondClaims } = decodeJwt(secondJwt);
      expect(secondClaims).toEqual(firstClaims);

      const tokens = { [first]: firstJwt, [first === 'Ticklist' ? 'Better Auth' : 'Ticklist']: secondJwt };
      for (const server of [pair.ticklist, pair.betterAuth]) {
        const jwks = createRemoteJWKSet(new URL(`${server.url}/api/auth/jwks`));
        for (const [signer, jwt] of Object.entries(tokens)) {
          await test.step(`${signer}'s JWT verifies against ${server.name}'s JWKS`, async () => {
            const { payload } = await jwtVerify(jwt, jwks, { issuer: pair.origin, audience: pair.origin });
            expect(payload.sub).toBe(userId);
          });
        }
      }

      await test.step('Ticklist’s REST API accepts the JWT that Better Auth signed', async () => {
        const created = await tasksApi(pair.ticklist.url, userId, tokens['Better Auth']).create('Signed by Better Auth');
        expect(created.status).toBe(201);
      });
    });
  });
}
