import { type APIRequestContext, request } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { MAIN_URL } from './support/servers';
import { newUser, signUpByApi, type User } from './support/users';

/**
 * The server keeps a signed-in user's rendered board and serves it again while nothing on it has
 * changed. These requests (no browser: the page as the server sends it) check that a kept page never
 * outlives a write, a profile change or a sign-out, never reaches another user, and never repeats
 * a nonce.
 */

interface Client {
  api: APIRequestContext;
  user: User;
  id: string;
  token: string;
}

async function signedUp(label: string): Promise<Client> {
  const api = await request.newContext({ baseURL: MAIN_URL });
  const user = newUser(label);
  const id = await signUpByApi(api, MAIN_URL, user);
  const answer = await api.get('/api/auth/token');
  expect(answer.status()).toBe(200);
  const { token } = (await answer.json()) as { token: string };
  return { api, user, id, token };
}

/** The board as the server renders it for `client`, with the nonce its policy names. */
async function board(client: Client, address = '/'): Promise<{ html: string; nonce: string }> {
  const response = await client.api.get(address, { headers: { Accept: 'text/html' }, maxRedirects: 0 });
  expect(response.status()).toBe(200);
  const policy = response.headers()['content-security-policy'] ?? '';
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
  expect(nonce).not.toBe('');
  return { html: await response.text(), nonce };
}

async function addTask(client: Client, title: string): Promise<number> {
  const response = await client.api.post(`/api/${client.id}/tasks`, {
    headers: { Authorization: `Bearer ${client.token}` },
    data: { title },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

test('a board served again shows every write, profile change and sign-out, each time with a nonce of its own', async () => {
  const alice = await signedUp('cached');
  try {
    const suffix = alice.id.slice(0, 8);
    await addTask(alice, `Water the plants ${suffix}`);
    const first = await board(alice);
    const again = await board(alice);
    expect(first.html).toContain(`Water the plants ${suffix}`);
    expect(again.html).toContain(`Water the plants ${suffix}`);
    // Each page's scripts carry the nonce its own policy names, and no other page's.
    expect(again.nonce).not.toBe(first.nonce);
    expect(again.html).toContain(`nonce="${again.nonce}"`);
    expect(again.html).not.toContain(first.nonce);

    const second = await addTask(alice, `Feed the cat ${suffix}`);
    expect((await board(alice)).html).toContain(`Feed the cat ${suffix}`);
    const deleted = await alice.api.delete(`/api/${alice.id}/tasks/${second}`, {
      headers: { Authorization: `Bearer ${alice.token}` },
    });
    expect(deleted.status()).toBe(204);
    expect((await board(alice)).html).not.toContain(`Feed the cat ${suffix}`);

    // Another view of the board is another page.
    expect((await board(alice, '/?status=completed')).html).not.toContain(`Water the plants ${suffix}`);
    expect((await board(alice)).html).toContain(`Water the plants ${suffix}`);

    const renamed = await alice.api.post('/api/auth/update-user', {
      headers: { Origin: MAIN_URL },
      data: { name: `Alice Renamed ${suffix}` },
    });
    expect(renamed.status()).toBe(200);
    expect((await board(alice)).html).toContain(`Alice Renamed ${suffix}`);

    const signedOut = await alice.api.post('/api/auth/sign-out', { headers: { Origin: MAIN_URL } });
    expect(signedOut.status()).toBe(200);
    const afterSignOut = await alice.api.get('/', { headers: { Accept: 'text/html' } });
    expect(await afterSignOut.text()).not.toContain(`Water the plants ${suffix}`);
  } finally {
    await alice.api.dispose();
  }
});

test('a kept board never reaches another user, whatever address they ask for', async () => {
  const alice = await signedUp('keeper');
  const bob = await signedUp('asker');
  try {
    const secret = `Alice's secret ${alice.id.slice(0, 8)}`;
    await addTask(alice, secret);
    for (const address of ['/', '/?status=all', '/?status=pending']) {
      expect((await board(alice, address)).html).toContain(secret);
      const theirs = await board(bob, address);
      expect(theirs.html).not.toContain(secret);
      expect(theirs.html).toContain(bob.user.name);
      expect(theirs.html).not.toContain(alice.user.name);
    }
  } finally {
    await alice.api.dispose();
    await bob.api.dispose();
  }
});
