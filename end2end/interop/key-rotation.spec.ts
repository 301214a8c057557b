/**
 * Interop — key rotation (issue 16): a real Better Auth whose `jwt()` plugin rotates its signing key
 * every few seconds (`jwks.rotationInterval`, old keys kept in /jwks for a 600 s grace period), behind
 * Ticklist in external mode. Ticklist reloads the upstream JWKS in the background only every 300 s
 * (`JWKS_REFRESH_INTERVAL=300`), so a token signed with a brand-new key can only be accepted because
 * the unknown `kid` made Ticklist load the key set at once. Tokens signed with the old key keep working.
 */
import { expect, test } from '@playwright/test';
import { decodeJwt, decodeProtectedHeader } from 'jose';

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

/** Better Auth's key rotation interval, in seconds. */
const ROTATION_SECONDS = 3;

let upstream: ChildServer;
let ticklist: ChildServer;
let dir: ReturnType<typeof tempDir>;
let ticklistUrl: string;

test.beforeAll(async () => {
  dir = tempDir('rotation');
  const ticklistPort = await freePort();
  ticklistUrl = `http://127.0.0.1:${ticklistPort}`;
  upstream = await startBetterAuth({
    port: await freePort(),
    databaseFile: dir.file('upstream.db'),
    secret: secret('rotation'),
    baseURL: ticklistUrl,
    env: { JWKS_ROTATION_INTERVAL: String(ROTATION_SECONDS), JWKS_GRACE_PERIOD: '600', LOG_REQUESTS: '1' },
  });
  ticklist = await startTicklist({
    port: ticklistPort,
    databaseFile: dir.file('ticklist.db'),
    secret: secret('ticklist'),
    upstream: upstream.url,
    env: { JWKS_REFRESH_INTERVAL: '300' },
  });
});

test.afterAll(async () => {
  await ticklist?.stop();
  await upstream?.stop();
  dir?.remove();
});

attachLogsOnFailure(() => [ticklist, upstream]);

/** How many times the upstream's /api/auth/jwks has been fetched so far (by Ticklist's verifier). */
function jwksFetches(): number {
  return upstream
    .log()
    .split('\n')
    .filter((line) => /^interop-ba: request GET \/api\/auth\/jwks(\?|$)/.test(line)).length;
}

function kidOf(token: string): string {
  const { kid } = decodeProtectedHeader(token);
  if (!kid) throw new Error(`a token without kid: ${token}`);
  return kid;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a token signed with a freshly rotated key is accepted on its first use, and older tokens keep working', async () => {
  const browser = new AuthSession(ticklistUrl, ticklistUrl);
  const email = uniqueEmail('rotation');
  const password = 'correct horse battery staple';
  const signUp = await new AuthSession(ticklistUrl, ticklistUrl).signUp(email, password, 'Rotating User');
  expect(signUp.status, 'sign-up through Ticklist’s /api/auth proxy').toBe(200);
  const userId = (await signUp.json()).user.id as string;
  const signIn = await browser.signIn(email, password);
  expect(signIn.status, 'sign-in through Ticklist’s /api/auth proxy').toBe(200);
  expect(browser.sessionCookie()).toBeTruthy();

  /** GET /api/auth/token through Ticklist with the session cookie. */
  const newToken = async (): Promise<string> => {
    const response = await browser.request('GET', '/token');
    expect(response.status, 'GET /api/auth/token').toBe(200);
    return ((await response.json()) as { token: string }).token;
  };
  /** Ticklist's REST API with `token`: the status it answers. */
  const list = async (token: string): Promise<number> => (await tasksApi(ticklistUrl, userId, token).list()).status;

  const first = await newToken();
  const firstKid = kidOf(first);
  expect(decodeJwt(first).sub).toBe(userId);
  expect(await list(first), 'the first token is accepted').toBe(200);
  expect((await tasksApi(ticklistUrl, userId, first).create('Before the rotation')).status).toBe(201);

  const statuses: Array<{ at: number; kid: string; token: 'new' | 'first'; status: number }> = [];
  const seenKids = new Set([firstKid]);
  const started = Date.now();
  let rotations = 0;
  let pollsAfterRotation = 0;

  await test.step('poll once a second across the rotation: every token, new or old, is accepted', async () => {
    // Until the key has rotated (twice, to go through the unknown-kid path more than once), plus 2 s.
    const deadline = started + (3 * ROTATION_SECONDS + 10) * 1000;
    while (rotations < 2 || pollsAfterRotation < 2) {
      expect(Date.now(), `the upstream rotated its key twice within ${deadline - started} ms`).toBeLessThan(deadline);
      const token = await newToken();
      const kid = kidOf(token);
      const at = Date.now() - started;
      if (!seenKids.has(kid)) {
        seenKids.add(kid);
        rotations++;
        pollsAfterRotation = 0;
        // The first uses of a token whose key Ticklist has never seen: several at once, all accepted,
        // with one load of the key set between them (single flight).
        const before = jwksFetches();
        const firstUses = await Promise.all(Array.from({ length: 5 }, () => list(token)));
        for (const status of firstUses) statuses.push({ at, kid, token: 'new', status });
        expect(firstUses, `the first uses of a token with the new kid ${kid} (rotation ${rotations})`).toEqual([
          200, 200, 200, 200, 200,
        ]);
        await sleep(200); // the upstream's log line is written asynchronously
        expect(jwksFetches() - before, 'the new kid made Ticklist load the JWKS exactly once').toBe(1);
      } else {
        pollsAfterRotation++;
        statuses.push({ at, kid, token: 'new', status: await list(token) });
      }
      statuses.push({ at, kid: firstKid, token: 'first', status: await list(first) });
      await sleep(1000);
    }
    expect(
      statuses.filter((s) => s.status !== 200),
      `no call was refused while polling: ${JSON.stringify(statuses)}`,
    ).toEqual([]);
  });

  await test.step('Ticklist loaded the key set only when it met a new kid, never per request', async () => {
    // At most one load at start-up or for the first token, plus one per rotation seen.
    expect(jwksFetches()).toBeLessThanOrEqual(seenKids.size + 1);
  });

  await test.step('the old key is still published (grace period) and its token still creates tasks', async () => {
    const jwks = (await (await fetch(`${upstream.url}/api/auth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    const published = jwks.keys.map((key) => key.kid);
    expect(published).toEqual(expect.arrayContaining([...seenKids]));
    expect((await tasksApi(ticklistUrl, userId, first).create('After the rotation, old token')).status).toBe(201);
    const latest = await newToken();
    const created = await tasksApi(ticklistUrl, userId, latest).create('After the rotation, new token');
    expect(created.status).toBe(201);
    const listed = await tasksApi(ticklistUrl, userId, latest).list();
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as Array<{ title: string }>).map((task) => task.title).sort()).toEqual(
      ['After the rotation, new token', 'After the rotation, old token', 'Before the rotation'].sort(),
    );
  });

});

test('a made-up kid is refused with 401 without a JWKS load per request', async () => {
  const browser = new AuthSession(ticklistUrl, ticklistUrl);
  const signUp = await browser.signUp(uniqueEmail('rotation-forged'), 'correct horse battery staple', 'Forger');
  expect(signUp.status).toBe(200);
  const userId = (await signUp.json()).user.id as string;
  const token = await browser.jwtFromGetSession();
  expect(await tasksApi(ticklistUrl, userId, token).list().then((r) => r.status)).toBe(200);

  // The same token with another kid in its header (the signature no longer matters: no key has that id).
  const [, payload, signature] = token.split('.');
  const header = { ...decodeProtectedHeader(token), kid: `made-up-${Date.now()}` };
  const forged = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;

  const before = jwksFetches();
  const answers = await Promise.all(Array.from({ length: 20 }, () => tasksApi(ticklistUrl, userId, forged).list()));
  expect(answers.map((r) => r.status)).toEqual(Array(20).fill(401));
  for (let i = 0; i < 3; i++) {
    expect((await tasksApi(ticklistUrl, userId, forged).list()).status).toBe(401);
    await sleep(400);
  }
  await sleep(200);
  // One load for the unknown kid; its miss is remembered, so the later attempts cost nothing.
  expect(jwksFetches() - before).toBeLessThanOrEqual(1);
});
