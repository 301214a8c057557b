import { defineConfig, devices } from '@playwright/test';

import { SMTP_PORT } from './tests/support/mail';
import { MAIN_PORT, MAIN_URL, SHORT_TOKEN_PORT, SHORT_TOKEN_SECONDS } from './tests/support/servers';

/**
 * Playwright configuration for Ticklist.
 *
 * The browser is Debian's `chromium` (`npx playwright install` cannot download here), and the server is
 * the release binary built by `cargo leptos build --release`, started from the workspace root (it reads
 * `target/site`) on its own port with a fresh SQLite database per run. The main server sends its mail to
 * the SMTP server that `globalSetup` starts (tests/support/mail.ts), where the tests read it back.
 */
/**
 * The release server on `port` with a fresh SQLite file `target/<db>` (and any extra environment
 * variables, e.g. a short JWT lifetime), as a Playwright web server stopped with SIGINT.
 */
function releaseServer(port: number, db: string, { extraEnv = [] as string[], stdout = 'pipe' as 'pipe' | 'ignore' } = {}) {
  const url = `http://127.0.0.1:${port}`;
  const command = [
    'cd .. &&',
    `rm -f target/${db}* &&`,
    'TICKLIST_ENV=production',
    'RATE_LIMIT=off',
    'BETTER_AUTH_SECRET=e2e-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    `BETTER_AUTH_URL=${url}`,
    `LEPTOS_SITE_ADDR=127.0.0.1:${port}`,
    `DATABASE_URL=sqlite://target/${db}`,
    ...extraEnv,
    'target/release/ticklist',
  ].join(' ');
  return {
    command,
    url: `${url}/healthz`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout,
    stderr: 'pipe' as const,
    gracefulShutdown: { signal: 'SIGINT' as const, timeout: 5000 },
  };
}

/** Debian's Chromium, headless. */
const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  globalSetup: require.resolve('./tests/support/global-setup'),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: MAIN_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', use: chromium },
    {
      // scripts/cluster (two instances on PostgreSQL behind nginx), started by the spec itself.
      name: 'cluster',
      testDir: './cluster',
      use: chromium,
      timeout: 60_000,
    },
    {
      // Node-only (no browser): the real better-auth client/server against Ticklist; each spec starts
      // and stops its own servers on free ports (see interop/support.ts).
      name: 'interop',
      testDir: './interop',
      fullyParallel: false,
      timeout: 60_000,
    },
  ],
  // INTEROP_ONLY=1 skips these servers, for `--project=interop` runs (whose specs start their own, from
  // TICKLIST_BIN or the release binary) where target/release/ticklist may not exist.
  webServer: process.env.INTEROP_ONLY
    ? []
    : [
        releaseServer(MAIN_PORT, 'e2e.db', {
          extraEnv: [`SMTP_URL=smtp://127.0.0.1:${SMTP_PORT}`, 'MAIL_FROM=no-reply@ticklist.test'],
        }),
        // A second server whose access tokens live 4 s, for the token refresh and expired-session tests.
        releaseServer(SHORT_TOKEN_PORT, 'e2e-tokens.db', {
          extraEnv: [`JWT_EXPIRES_IN=${SHORT_TOKEN_SECONDS}`],
          stdout: 'ignore',
        }),
      ],
});
