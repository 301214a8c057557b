import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { type Browser, type BrowserContext, request } from '@playwright/test';

import { expect, test } from '../tests/support/fixtures';
import { TaskBoard } from '../tests/support/tasks';
import { newUser, type User } from '../tests/support/users';

/**
 * Ticklist as `scripts/cluster` runs it: two instances on one PostgreSQL database behind nginx. Tabs
 * pinned to different instances (each opened on an instance's own port; the session cookie is the
 * same) stay in step through the database's change notifications, and the sign-in rate limit counts
 * attempts whichever instance they reach.
 */

const WORKSPACE = path.resolve(__dirname, '..', '..');
const NGINX_PORT = 3280;
const INSTANCE_PORTS = [3281, 3282];
const NGINX_URL = `http://127.0.0.1:${NGINX_PORT}`;
const instanceUrl = (i: number) => `http://127.0.0.1:${INSTANCE_PORTS[i]}`;

/** A client address of our own (the instances trust nginx and loopback as proxies), so that
 * rate-limit buckets of this run never meet another run's. */
function clientAddress(): string {
  const part = () => Math.floor(Math.random() * 250) + 1;
  return `198.18.${part()}.${part()}`;
}

let cluster: ChildProcess | undefined;
let output = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = spawn(path.join(WORKSPACE, 'scripts', 'cluster'), ['--no-build'], {
    cwd: WORKSPACE,
    env: {
      ...process.env,
      CLUSTER_PORT: String(NGINX_PORT),
      INSTANCE_PORTS: INSTANCE_PORTS.join(' '),
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  cluster.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cluster.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('cluster: ready')) {
    if (cluster.exitCode !== null) throw new Error(`scripts/cluster exited (${cluster.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`scripts/cluster did not get ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

test.afterAll(async () => {
  if (cluster?.pid && cluster.exitCode === null) {
    const exited = new Promise((resolve) => cluster!.once('exit', resolve));
    process.kill(-cluster.pid, 'SIGTERM');
    await exited;
  }
});

/** A browser context signed up as a new user through the load balancer. */
async function signedUp(browser: Browser, user: User): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: NGINX_URL });
  const response = await context.request.post(`${NGINX_URL}/api/auth/sign-up/email`, {
    headers: { Origin: NGINX_URL, 'X-Forwarded-For': clientAddress() },
    data: { name: user.name, email: user.email, password: user.password },
  });
  expect(response.status(), await response.text()).toBe(200);
  return context;
}

test('two tabs of one user on different instances stay in step, and another user on the load balancer sees nothing', async ({
  browser,
}) => {
  const context = await signedUp(browser, newUser('cluster'));
  const stranger = await signedUp(browser, newUser('outsider'));
  try {
    const one = new TaskBoard(await context.newPage());
    const two = new TaskBoard(await context.newPage());
    await one.page.goto(`${instanceUrl(0)}/`);
    await one.expectShown();
    await two.page.goto(`${instanceUrl(1)}/`);
    await two.expectShown();
    const outsider = new TaskBoard(await stranger.newPage());
    await outsider.goto();

    await one.addTask({ title: 'Order the cluster parts' });
    await two.expectTitles(['Order the cluster parts']);
    await two.task('Order the cluster parts').toggleDone();
    await expect(one.task('Order the cluster parts').toggle).toBeChecked();
    await expect(one.itemsLeft).toHaveText('0 items left');
    await two.addTask({ title: 'Label the cables' });
    await one.expectTitles(['Label the cables', 'Order the cluster parts']);

    await outsider.page.reload();
    await outsider.expectShown();
    await expect(outsider.items).toHaveCount(0);
  } finally {
    await context.close();
    await stranger.close();
  }
});

test('wrong passwords count against one sign-in limit whichever instance they reach', async () => {
  const user = newUser('limited');
  const api = await request.newContext();
  const from = clientAddress();
  try {
    const signUp = await api.post(`${NGINX_URL}/api/auth/sign-up/email`, {
      headers: { Origin: NGINX_URL, 'X-Forwarded-For': clientAddress() },
      data: { name: user.name, email: user.email, password: user.password },
    });
    expect(signUp.status()).toBe(200);
    const attempt = (url: string) =>
      api.post(`${url}/api/auth/sign-in/email`, {
        headers: { Origin: NGINX_URL, 'X-Forwarded-For': from },
        data: { email: user.email, password: 'not-the-password' },
      });
    // Three attempts in ten seconds are allowed, spread over both instances; the fourth is refused on
    // either instance and through the load balancer.
    expect((await attempt(instanceUrl(0))).status()).toBe(401);
    expect((await attempt(instanceUrl(1))).status()).toBe(401);
    expect((await attempt(instanceUrl(0))).status()).toBe(401);
    expect((await attempt(instanceUrl(1))).status()).toBe(429);
    expect((await attempt(instanceUrl(0))).status()).toBe(429);
    expect((await attempt(NGINX_URL)).status()).toBe(429);
  } finally {
    await api.dispose();
  }
});

test('a board kept by one instance shows a task written through the other at the next request', async () => {
  const api = await request.newContext();
  const user = newUser('kept');
  try {
    const signUp = await api.post(`${NGINX_URL}/api/auth/sign-up/email`, {
      headers: { Origin: NGINX_URL, 'X-Forwarded-For': clientAddress() },
      data: { name: user.name, email: user.email, password: user.password },
    });
    expect(signUp.status()).toBe(200);
    const id = ((await signUp.json()) as { user: { id: string } }).user.id;
    const token = ((await (await api.get(`${instanceUrl(1)}/api/auth/token`)).json()) as { token: string }).token;
    const boardOn = async (i: number) => {
      const page = await api.get(`${instanceUrl(i)}/`, { headers: { Accept: 'text/html' }, maxRedirects: 0 });
      expect(page.status()).toBe(200);
      return page.text();
    };
    // Rendered and kept by the first instance (twice: the second is served from its cache).
    expect(await boardOn(0)).toContain(user.name);
    expect(await boardOn(0)).not.toContain('Written elsewhere');
    const created = await api.post(`${instanceUrl(1)}/api/${id}/tasks`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { title: 'Written elsewhere' },
    });
    expect(created.status()).toBe(201);
    expect(await boardOn(0)).toContain('Written elsewhere');
  } finally {
    await api.dispose();
  }
});
