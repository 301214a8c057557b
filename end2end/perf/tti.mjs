// Time to interactive in Debian Chromium against a running Ticklist (see scripts/tti): from the start
// of navigation until the WASM has hydrated the page (`<body data-hydrated="true">`, set by the app's
// first effect). Prints one line per page and cache state:
//
//   tti <page> <cold|warm> median_ms=<n> p90_ms=<n> min_ms=<n> runs=<n>
//
// cold: a new browser context (empty cache) per run; warm: reloads in one context (WASM cached).
import { chromium } from '@playwright/test';

const base = process.argv[2];
const runs = Number(process.env.TTI_RUNS ?? 15);
if (!base) {
  console.error('usage: node perf/tti.mjs <base-url>');
  process.exit(2);
}

const launchArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Records performance.now() when <body> gets data-hydrated (runs before any page script). */
function recordHydration() {
  new MutationObserver((_, observer) => {
    if (document.body?.dataset.hydrated === 'true') {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

async function measure(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 15_000 });
  return page.evaluate(() => window.__hydratedAt);
}

function summary(name, state, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const ms = (v) => v.toFixed(0);
  console.log(`tti ${name} ${state} median_ms=${ms(at(0.5))} p90_ms=${ms(at(0.9))} min_ms=${ms(sorted[0])} runs=${times.length}`);
}

/** A fresh user with `count` tasks; returns the session cookies' storage state. */
async function userWithTasks(browser, count) {
  const context = await browser.newContext();
  const email = `tti-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const signUp = await context.request.post(`${base}/api/auth/sign-up/email`, {
    headers: { origin: base },
    data: { name: 'TTI', email, password: 'tti-password-1' },
  });
  if (!signUp.ok()) throw new Error(`sign-up failed: ${signUp.status()}`);
  const { token } = await (await context.request.get(`${base}/api/auth/token`)).json();
  const sub = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
  for (let i = 0; i < count; i++) {
    const created = await context.request.post(`${base}/api/${sub}/tasks`, {
      headers: { authorization: `Bearer ${token}` },
      data: { title: `Task ${i}`, priority: ['low', 'medium', 'high'][i % 3], tags: ['tti'] },
    });
    if (created.status() !== 201) throw new Error(`create failed: ${created.status()}`);
  }
  const state = await context.storageState();
  await context.close();
  return state;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: launchArgs });
try {
  const signedIn = await userWithTasks(browser, 50);
  const pages = [
    { name: 'sign-in', url: `${base}/sign-in`, storageState: undefined },
    { name: 'board-50', url: `${base}/`, storageState: signedIn },
  ];
  for (const { name, url, storageState } of pages) {
    const cold = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ storageState });
      await context.addInitScript(recordHydration);
      cold.push(await measure(await context.newPage(), url));
      await context.close();
    }
    summary(name, 'cold', cold);

    const context = await browser.newContext({ storageState });
    await context.addInitScript(recordHydration);
    const page = await context.newPage();
    await measure(page, url); // fill the cache
    const warm = [];
    for (let i = 0; i < runs; i++) warm.push(await measure(page, url));
    await context.close();
    summary(name, 'warm', warm);
  }
} finally {
  await browser.close();
}
