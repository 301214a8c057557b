/**
 * Helpers shared by all pages: waiting for hydration, reading the access token the app caches, and
 * collecting console errors.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The `sessionStorage` key where the app caches its access token. */
export const TOKEN_KEY = 'ticklist.access_token';
/** The `sessionStorage` key where the new-task form keeps what was typed. */
export const DRAFT_KEY = 'ticklist.new_task_draft';

/** Waits until the WASM bundle has hydrated the page (the app then sets `data-hydrated` on `<body>`). */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** The access token the app has cached (`null` when there is none), with the claims the app reads. */
export interface CachedToken {
  token: string;
  /** `sub`: the user the token speaks for. */
  user_id: string;
  /** `exp`, in Unix seconds. */
  exp: number;
}

/** The app keeps the JWT itself, as a JSON string. */
export async function cachedToken(page: Page): Promise<CachedToken | null> {
  const raw = await page.evaluate((key) => window.sessionStorage.getItem(key), TOKEN_KEY);
  if (!raw) return null;
  const token = JSON.parse(raw) as string;
  const { sub, exp } = jwtClaims(token);
  return { token, user_id: sub, exp };
}

/** The claims of a JWT (no signature check: the server's business). */
export function jwtClaims(token: string): Record<string, unknown> & { sub: string; exp: number; iat: number } {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** Collects console errors and uncaught page errors from the moment it is called. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const where = msg.location().url;
      errors.push(`console.error: ${msg.text()}${where ? ` (${where})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/** Presses Tab (at most `limit` times) until `target` has the keyboard focus. */
export async function tabTo(page: Page, target: Locator, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target, `reachable with Tab within ${limit} presses`).toBeFocused();
}
