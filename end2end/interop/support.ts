/**
 * Helpers for the interop tests: start and stop the Ticklist release binary and the real Better Auth
 * server (`better-auth-server.mjs`) as child processes, keep cookies between Node `fetch` calls, and talk
 * to `/api/auth/*` the way a browser would (a trusted `Origin` on every POST).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { test } from '@playwright/test';
import Database from 'better-sqlite3';
import { createAuthClient } from 'better-auth/client';
import { jwtClient } from 'better-auth/client/plugins';

/** The Cargo workspace root: Ticklist runs from here (it reads `target/site`). */
export const WORKSPACE = path.resolve(__dirname, '..', '..');
/** The server binary: the release build, or `TICKLIST_BIN` (e.g. `target/debug/ticklist`) when set. */
export const TICKLIST_BIN = path.resolve(WORKSPACE, process.env.TICKLIST_BIN ?? path.join('target', 'release', 'ticklist'));
const BETTER_AUTH_SCRIPT = path.join(__dirname, 'better-auth-server.mjs');

const handedOut = new Set<number>();

/** A port nobody listens on right now (the OS picks it), never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osPickedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory for this suite's SQLite files; `remove()` deletes it. */
export function tempDir(label: string): { path: string; file(name: string): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ticklist-interop-${label}-`));
  return {
    path: dir,
    file: (name) => path.join(dir, name),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A random secret of 48 characters (Ticklist and Better Auth both want >= 32). */
export function secret(label: string): string {
  return `${label}-${crypto.randomUUID()}-${crypto.randomUUID()}`.slice(0, 48);
}

/** A new e-mail address, unique across runs. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Children still running: killed when the worker exits without reaching afterAll (e.g. on a timeout). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A child server process with its captured output. */
export class ChildServer {
  readonly output: string[] = [];
  private exited: Promise<void>;
  private exitCode: number | null = null;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => this.output.push(chunk.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (error) => this.output.push(`spawn error: ${error.message}\n`));
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 0);
        live.delete(child);
        resolve();
      }),
    );
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** Everything the process printed so far. */
  log(): string {
    return this.output.join('');
  }

  /** Polls `url` until it answers 200; fails early when the process exits. */
  async waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited (code ${this.exitCode}) before it was ready:\n${this.log()}`);
      try {
        const response = await fetch(url);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} did not answer 200 on ${url} within ${timeoutMs} ms:\n${this.log()}`);
  }

  /** SIGINT, then SIGKILL if it is still there after 5 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function startChild(name: string, url: string, command: string, args: string[], env: Record<string, string>, cwd: string) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ChildServer(name, url, child);
}

export interface TicklistOptions {
  port: number;
  databaseFile: string;
  secret: string;
  /** BETTER_AUTH_URL; defaults to the server's own URL. */
  publicUrl?: string;
  /** BETTER_AUTH_UPSTREAM: external mode. */
  upstream?: string;
  env?: Record<string, string>;
}

/** Starts `target/release/ticklist` (production mode, rate limits off) and waits for `/healthz`. */
export async function startTicklist(options: TicklistOptions): Promise<ChildServer> {
  if (!fs.existsSync(TICKLIST_BIN)) {
    throw new Error(`${TICKLIST_BIN} is missing: build it first (source scripts/env.sh && cargo leptos build --release)`);
  }
  const url = `http://127.0.0.1:${options.port}`;
  const env: Record<string, string> = {
    TICKLIST_ENV: 'production',
    BETTER_AUTH_SECRET: options.secret,
    BETTER_AUTH_URL: options.publicUrl ?? url,
    LEPTOS_SITE_ADDR: `127.0.0.1:${options.port}`,
    DATABASE_URL: `sqlite://${options.databaseFile}`,
    RATE_LIMIT: 'off',
    ...(options.upstream ? { BETTER_AUTH_UPSTREAM: options.upstream } : {}),
    ...options.env,
  };
  const server = startChild(`ticklist:${options.port}`, url, TICKLIST_BIN, [], env, WORKSPACE);
  try {
    await server.waitUntilReady(`${url}/healthz`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

export interface BetterAuthOptions {
  port: number;
  databaseFile: string;
  secret: string;
  baseURL: string;
  trustedOrigins?: string[];
  /**
   * More environment for `better-auth-server.mjs`: `JWKS_ROTATION_INTERVAL`, `JWKS_GRACE_PERIOD`,
   * `JWT_EXPIRATION_TIME`, `LOG_REQUESTS` (see the script's header).
   */
  env?: Record<string, string>;
}

/** Starts the real Better Auth server script and waits for `/api/auth/ok`. */
export async function startBetterAuth(options: BetterAuthOptions): Promise<ChildServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const env: Record<string, string> = {
    // Not "production" (Better Auth would rate-limit sign-in to 3 per 10 s) and not "test" (it would
    // skip its origin checks).
    NODE_ENV: 'development',
    PORT: String(options.port),
    BETTER_AUTH_URL: options.baseURL,
    BETTER_AUTH_SECRET: options.secret,
    DATABASE_FILE: options.databaseFile,
    TRUSTED_ORIGINS: (options.trustedOrigins ?? []).join(','),
    ...options.env,
  };
  const server = startChild(`better-auth:${options.port}`, url, process.execPath, [BETTER_AUTH_SCRIPT], env, __dirname);
  try {
    await server.waitUntilReady(`${url}/api/auth/ok`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** What `better-auth-server.mjs` printed about the schema it found missing at start. */
export function migrationPlan(server: ChildServer): { toBeCreated: string[]; toBeAdded: unknown[]; toBeAddedIndexes: string[] } {
  const line = server
    .log()
    .split('\n')
    .find((l) => l.startsWith('interop-ba: migrations '));
  if (!line) throw new Error(`no migration line in the output of ${server.name}:\n${server.log()}`);
  return JSON.parse(line.slice('interop-ba: migrations '.length));
}

/** A minimal cookie jar for one client: no domains or paths, just names (every cookie here is `Path=/`). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes the `Set-Cookie` headers of a response; `Max-Age=0` or an empty value deletes. */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** The `Cookie` request header, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export const SESSION_COOKIE = 'better-auth.session_token';

/**
 * A browser-like client of one server's `/api/auth`: keeps cookies and sends `Origin` on every request
 * (Node's fetch sends `Sec-Fetch-Mode: cors`, so Better Auth requires a trusted Origin on sign-in/up).
 */
export class AuthSession {
  readonly jar = new CookieJar();

  constructor(
    readonly baseUrl: string,
    readonly origin: string,
  ) {}

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { origin: this.origin };
    const cookie = this.jar.header();
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}/api/auth${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.jar.store(response);
    return response;
  }

  signUp(email: string, password: string, name: string): Promise<Response> {
    return this.request('POST', '/sign-up/email', { email, password, name });
  }

  signIn(email: string, password: string): Promise<Response> {
    return this.request('POST', '/sign-in/email', { email, password });
  }

  getSession(): Promise<Response> {
    return this.request('GET', '/get-session');
  }

  signOut(): Promise<Response> {
    return this.request('POST', '/sign-out');
  }

  /** The JWT that get-session returns in `set-auth-jwt` (throws when there is none). */
  async jwtFromGetSession(): Promise<string> {
    const response = await this.getSession();
    const jwt = response.headers.get('set-auth-jwt');
    if (response.status !== 200 || !jwt) {
      throw new Error(`get-session gave ${response.status} without set-auth-jwt: ${await response.text()}`);
    }
    return jwt;
  }

  /** The session cookie's value (throws when there is none). */
  sessionCookie(): string {
    const value = this.jar.get(SESSION_COOKIE);
    if (!value) throw new Error(`no ${SESSION_COOKIE} cookie from ${this.baseUrl}`);
    return value;
  }
}

/** Calls Ticklist's REST API with a Bearer token. */
export function tasksApi(baseUrl: string, userId: string, jwt: string) {
  const url = `${baseUrl}/api/${encodeURIComponent(userId)}/tasks`;
  const authorization = `Bearer ${jwt}`;
  return {
    create: (title: string) =>
      fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ title }) }),
    list: () => fetch(url, { headers: { authorization } }),
  };
}

/** Registers an afterEach that attaches the servers' output to a test that did not go as expected. */
export function attachLogsOnFailure(servers: () => Array<ChildServer | undefined>): void {
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status === testInfo.expectedStatus) return;
    for (const server of servers()) {
      if (server) await testInfo.attach(`${server.name}.log`, { body: server.log(), contentType: 'text/plain' });
    }
  });
}

/**
 * The real `better-auth` client (`createAuthClient` from `better-auth/client`, with `jwtClient()`), made
 * to behave like a browser on `origin`: its own cookie jar, `Origin` on every request, and a
 * `User-Agent` naming the device when given (so `listSessions` can tell the devices apart).
 */
export function theirClient(baseURL: string, { origin = baseURL, userAgent }: { origin?: string; userAgent?: string } = {}) {
  const jar = new CookieJar();
  const seen = { lastJwtHeader: null as string | null };
  const client = createAuthClient({
    baseURL,
    plugins: [jwtClient()],
    fetchOptions: {
      onRequest(context) {
        context.headers.set('origin', origin);
        if (userAgent) context.headers.set('user-agent', userAgent);
        const cookie = jar.header();
        if (cookie) context.headers.set('cookie', cookie);
      },
      onResponse(context) {
        jar.store(context.response);
        const jwt = context.response.headers.get('set-auth-jwt');
        if (jwt) seen.lastJwtHeader = jwt;
      },
    },
  });
  return { client, jar, seen };
}

/** A message that `better-auth-server.mjs` "sent" (with `ACCOUNT_FEATURES=1` it prints them). */
export interface BetterAuthMail {
  kind: 'reset-password' | 'verify-email';
  to: string;
  url: string;
  token: string;
}

/** Waits for the newest message of `kind` to `to` that Better Auth printed after the first `since`. */
export async function betterAuthMail(
  server: ChildServer,
  kind: BetterAuthMail['kind'],
  to: string,
  { since = 0, timeoutMs = 5_000 } = {},
): Promise<BetterAuthMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = betterAuthMails(server)
      .slice(since)
      .reverse()
      .find((mail) => mail.kind === kind && mail.to === to);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`Better Auth sent no ${kind} mail to ${to}:\n${server.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every message `better-auth-server.mjs` printed so far, oldest first. */
export function betterAuthMails(server: ChildServer): BetterAuthMail[] {
  return server
    .log()
    .split('\n')
    .filter((line) => line.startsWith('interop-ba: mail '))
    .map((line) => JSON.parse(line.slice('interop-ba: mail '.length)));
}

export interface SharedPairOptions {
  /** More environment for Ticklist (e.g. `SMTP_URL`). */
  ticklistEnv?: () => Record<string, string>;
  /** More environment for `better-auth-server.mjs` (e.g. `ACCOUNT_FEATURES=1`). */
  betterAuthEnv?: Record<string, string>;
}

/**
 * Ticklist, then a real Better Auth, on one fresh SQLite file with one secret and one baseURL (Ticklist's
 * URL: the JWT iss/aud and the trusted origin of both), started and stopped by the enclosing describe's
 * hooks. Clients send `Origin: <Ticklist's URL>` to either.
 */
export function sharedPair(label: string, options: SharedPairOptions = {}) {
  const pair = {
    ticklist: undefined as unknown as ChildServer,
    betterAuth: undefined as unknown as ChildServer,
    databaseFile: '',
    secret: '',
    origin: '',
    onTicklist: () => new AuthSession(pair.ticklist.url, pair.origin),
    onBetterAuth: () => new AuthSession(pair.betterAuth.url, pair.origin),
    /** The ids in the shared `jwks` table. */
    keyIds(): string[] {
      const database = new Database(pair.databaseFile, { readonly: true, fileMustExist: true });
      try {
        return database.prepare('select id from jwks').all().map((row) => (row as { id: string }).id);
      } finally {
        database.close();
      }
    },
  };
  let dir: ReturnType<typeof tempDir>;

  test.beforeAll(async () => {
    dir = tempDir(label);
    pair.databaseFile = dir.file('shared.db');
    pair.secret = secret(label);
    const ticklistPort = await freePort();
    pair.origin = `http://127.0.0.1:${ticklistPort}`;
    pair.ticklist = await startTicklist({
      port: ticklistPort,
      databaseFile: pair.databaseFile,
      secret: pair.secret,
      env: options.ticklistEnv?.(),
    });
    const betterAuthPort = await freePort();
    pair.betterAuth = await startBetterAuth({
      port: betterAuthPort,
      databaseFile: pair.databaseFile,
      secret: pair.secret,
      baseURL: pair.origin,
      trustedOrigins: [`http://127.0.0.1:${betterAuthPort}`],
      env: options.betterAuthEnv,
    });
  });

  test.afterAll(async () => {
    await pair.betterAuth?.stop();
    await pair.ticklist?.stop();
    dir?.remove();
  });

  attachLogsOnFailure(() => [pair.ticklist, pair.betterAuth]);

  return pair;
}
