/**
 * Test users: a fresh random account per test, created through the UI (see auth.ts) or, when the
 * sign-up itself is not what a test is about, through Better Auth's JSON endpoint.
 */
import { type APIRequestContext, type BrowserContext, expect } from '@playwright/test';

export interface User {
  name: string;
  email: string;
  password: string;
}

/** An account nobody has used yet (unique across runs and parallel workers). */
export function newUser(label = 'user'): User {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const name = `${label[0].toUpperCase()}${label.slice(1)} ${id}`;
  return { name, email: `${label}-${id}@example.com`, password: `pw-${id}-Secret!` };
}

/**
 * Creates `user` with `POST /api/auth/sign-up/email` from `request` (use `context.request` or
 * `page.request`: they share the browser context's cookies, so the context is signed in afterwards).
 * Returns the new user's id.
 */
export async function signUpByApi(request: APIRequestContext, baseURL: string, user: User): Promise<string> {
  const response = await request.post(`${baseURL}/api/auth/sign-up/email`, {
    headers: { Origin: baseURL },
    data: { name: user.name, email: user.email, password: user.password },
  });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as { user: { id: string } };
  return body.user.id;
}

/** Signs `context` in as `user` (an existing account) with `POST /api/auth/sign-in/email`. */
export async function signInByApi(context: BrowserContext, baseURL: string, user: User): Promise<void> {
  const response = await context.request.post(`${baseURL}/api/auth/sign-in/email`, {
    headers: { Origin: baseURL },
    data: { email: user.email, password: user.password, rememberMe: true },
  });
  expect(response.status(), await response.text()).toBe(200);
}
