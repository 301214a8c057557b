/**
 * Interop 3b — shared database, account features: Ticklist (with `SMTP_URL` pointing at the SMTP sink) and
 * a real Better Auth (`ACCOUNT_FEATURES=1`: password reset, email verification, change of email and
 * delete-user on, its messages printed) on one SQLite file, with one secret and one baseURL (Ticklist's
 * URL). So the links in Better Auth's messages point at Ticklist, and a token made by one server meets the
 * other one. What one server changes (password, name, email verified, account deleted), the other sees.
 */
import { expect, test } from '@playwright/test';
import { decodeJwt } from 'jose';

import { SmtpSink } from './smtp-sink';
import { AuthSession, betterAuthMail, betterAuthMails, sharedPair, uniqueEmail } from './support';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a whole new password';

let sink: SmtpSink;

test.beforeAll(async () => {
  sink = await SmtpSink.start();
});

test.afterAll(async () => {
  await sink?.stop();
});

const pair = sharedPair('shared-accounts', {
  ticklistEnv: () => ({ SMTP_URL: sink.url }),
  betterAuthEnv: { ACCOUNT_FEATURES: '1' },
});

/** Signs a new user up on `server`'s session; returns the session (signed in) and the user id. */
async function signUp(session: AuthSession, label: string) {
  const email = uniqueEmail(label);
  const response = await session.signUp(email, PASSWORD, `${label} user`);
  expect(response.status, await response.clone().text()).toBe(200);
  return { email, userId: (await response.json()).user.id as string };
}

/** Whether `email` signs in with `password` on `session`'s server. */
async function signsIn(session: AuthSession, email: string, password: string): Promise<number> {
  return (await session.signIn(email, password)).status;
}

/** The `token` query parameter of the reset link's redirect (or its `error`). */
async function followResetLink(link: string): Promise<URL> {
  const response = await fetch(link, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

test('a password reset through Ticklist signs in on Better Auth with the new password', async () => {
  const { email } = await signUp(pair.onBetterAuth(), 'reset-on-ticklist');
  const since = sink.messages.length;
  const asked = await pair.onTicklist().request('POST', '/request-password-reset', { email });
  expect(asked.status).toBe(200);
  const link = (await sink.waitFor(email, 'Reset your Ticklist password', { since })).linkContaining('/api/auth/reset-password/');
  const token = (await followResetLink(link)).searchParams.get('token');
  expect(token).toMatch(/^[a-zA-Z0-9]{24}$/);

  const reset = await pair.onTicklist().request('POST', '/reset-password', { newPassword: NEW_PASSWORD, token });
  expect(reset.status).toBe(200);
  expect(await signsIn(pair.onBetterAuth(), email, NEW_PASSWORD)).toBe(200);
  expect(await signsIn(pair.onBetterAuth(), email, PASSWORD)).toBe(401);
});

test('a reset token made by Better Auth works at Ticklist’s reset-password, and Ticklist’s at Better Auth’s', async () => {
  const { email } = await signUp(pair.onTicklist(), 'reset-tokens');

  await test.step('Better Auth’s token: its emailed link (on Ticklist’s URL) and Ticklist’s reset-password take it', async () => {
    const since = betterAuthMails(pair.betterAuth).length;
    const asked = await pair.onBetterAuth().request('POST', '/request-password-reset', { email, redirectTo: '/reset-password' });
    expect(asked.status).toBe(200);
    const mail = await betterAuthMail(pair.betterAuth, 'reset-password', email, { since });
    // Better Auth builds the link from the shared baseURL, Ticklist's URL: Ticklist checks the token.
    expect(mail.url).toBe(`${pair.origin}/api/auth/reset-password/${mail.token}?callbackURL=%2Freset-password`);
    const location = await followResetLink(mail.url);
    expect(location.searchParams.get('token')).toBe(mail.token);

    const reset = await pair.onTicklist().request('POST', '/reset-password', { newPassword: NEW_PASSWORD, token: mail.token });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ status: true });
    expect(await signsIn(pair.onBetterAuth(), email, NEW_PASSWORD)).toBe(200);
    const reused = await pair.onBetterAuth().request('POST', '/reset-password', { newPassword: PASSWORD, token: mail.token });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ message: 'Invalid token', code: 'INVALID_TOKEN' });
  });

  await test.step('Ticklist’s token: Better Auth’s reset-password link and endpoint take it', async () => {
    const since = sink.messages.length;
    expect((await pair.onTicklist().request('POST', '/request-password-reset', { email })).status).toBe(200);
    const link = (await sink.waitFor(email, 'Reset your Ticklist password', { since })).linkContaining('/api/auth/reset-password/');
    const onBetterAuth = link.replace(pair.origin, pair.betterAuth.url);
    const location = await followResetLink(onBetterAuth);
    const token = location.searchParams.get('token');
    expect(token).toMatch(/^[a-zA-Z0-9]{24}$/);

    const reset = await pair.onBetterAuth().request('POST', '/reset-password', { newPassword: PASSWORD, token });
    expect(reset.status).toBe(200);
    expect(await signsIn(pair.onTicklist(), email, PASSWORD)).toBe(200);
    expect(await signsIn(pair.onTicklist(), email, NEW_PASSWORD)).toBe(401);
  });
});

test('email verification links made by either server verify on the other', async () => {
  await test.step('Better Auth’s link verifies at Ticklist’s verify-email', async () => {
    const ticklistSession = pair.onTicklist();
    const { email } = await signUp(ticklistSession, 'verify-ba-token');
    const since = betterAuthMails(pair.betterAuth).length;
    const asked = await pair.onBetterAuth().request('POST', '/send-verification-email', { email });
    expect(asked.status).toBe(200);
    const mail = await betterAuthMail(pair.betterAuth, 'verify-email', email, { since });
    expect(mail.url.startsWith(`${pair.origin}/api/auth/verify-email?token=`)).toBe(true);

    const verified = await fetch(`${pair.origin}/api/auth/verify-email?token=${mail.token}`);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ status: true, user: null });
    expect((await (await ticklistSession.getSession()).json()).user.emailVerified).toBe(true);
  });

  await test.step('Ticklist’s link verifies at Better Auth’s verify-email', async () => {
    const since = sink.messages.length;
    const betterAuthSession = pair.onBetterAuth();
    const { email } = await signUp(pair.onTicklist(), 'verify-ticklist-token');
    expect((await betterAuthSession.signIn(email, PASSWORD)).status).toBe(200);
    // Ticklist sent it at sign-up (it does whenever mail is configured).
    const link = (await sink.waitFor(email, 'Confirm your email address', { since })).linkContaining('/api/auth/verify-email?token=');
    const token = new URL(link).searchParams.get('token')!;

    const verified = await fetch(`${pair.betterAuth.url}/api/auth/verify-email?token=${token}`);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ status: true, user: null });
    expect((await (await betterAuthSession.getSession()).json()).user.emailVerified).toBe(true);
  });
});

test('a change-of-email link made by Better Auth moves the account at Ticklist, once', async () => {
  const onBetterAuth = pair.onBetterAuth();
  const { email } = await signUp(onBetterAuth, 'change-email-ba');
  const onTicklist = pair.onTicklist();
  expect((await onTicklist.signIn(email, PASSWORD)).status).toBe(200);
  const newEmail = uniqueEmail('change-email-ba-new');

  const since = betterAuthMails(pair.betterAuth).length;
  const asked = await onBetterAuth.request('POST', '/change-email', { newEmail });
  expect(asked.status).toBe(200);
  const mail = await betterAuthMail(pair.betterAuth, 'verify-email', newEmail, { since });

  const verified = await onTicklist.request('GET', `/verify-email?token=${mail.token}`);
  expect(verified.status).toBe(200);
  expect(await verified.json()).toMatchObject({ status: true, user: { email: newEmail, emailVerified: false } });
  expect((await (await onBetterAuth.getSession()).json()).user.email).toBe(newEmail);
  expect(await signsIn(pair.onBetterAuth(), newEmail, PASSWORD)).toBe(200);
  const replay = await onTicklist.request('GET', `/verify-email?token=${mail.token}`);
  expect(replay.status).toBe(401);
  expect(await replay.json()).toEqual({ message: 'Invalid token', code: 'INVALID_TOKEN' });
});

test('a name changed on Better Auth shows in Ticklist’s get-session and JWT, and the other way round', async () => {
  const onBetterAuth = pair.onBetterAuth();
  const { email } = await signUp(onBetterAuth, 'rename');
  const onTicklist = pair.onTicklist();
  expect((await onTicklist.signIn(email, PASSWORD)).status).toBe(200);

  const renamed = await onBetterAuth.request('POST', '/update-user', { name: 'Renamed On Better Auth' });
  expect(renamed.status).toBe(200);
  const session = await onTicklist.getSession();
  expect((await session.clone().json()).user.name).toBe('Renamed On Better Auth');
  expect(decodeJwt(session.headers.get('set-auth-jwt')!).name).toBe('Renamed On Better Auth');

  const back = await onTicklist.request('POST', '/update-user', { name: 'Renamed On Ticklist' });
  expect(back.status).toBe(200);
  expect((await (await onBetterAuth.getSession()).json()).user.name).toBe('Renamed On Ticklist');
});

test('a password changed on either server signs in on the other', async () => {
  const onBetterAuth = pair.onBetterAuth();
  const { email } = await signUp(onBetterAuth, 'change-password');
  const onTicklist = pair.onTicklist();
  expect((await onTicklist.signIn(email, PASSWORD)).status).toBe(200);

  const changed = await onBetterAuth.request('POST', '/change-password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
  expect(changed.status).toBe(200);
  expect(await signsIn(pair.onTicklist(), email, NEW_PASSWORD)).toBe(200);
  expect(await signsIn(pair.onTicklist(), email, PASSWORD)).toBe(401);

  const back = await onTicklist.request('POST', '/change-password', {
    currentPassword: NEW_PASSWORD,
    newPassword: PASSWORD,
    revokeOtherSessions: true,
  });
  expect(back.status).toBe(200);
  expect(await signsIn(pair.onBetterAuth(), email, PASSWORD)).toBe(200);
  // revokeOtherSessions on Ticklist also ended the session Better Auth had opened.
  expect(await (await onBetterAuth.getSession()).json()).toBeNull();
});

test('an account deleted on either server: the other refuses its sessions', async () => {
  await test.step('deleted on Ticklist: Better Auth’s session is gone and the password no longer signs in there', async () => {
    const onBetterAuth = pair.onBetterAuth();
    const { email } = await signUp(onBetterAuth, 'delete-on-ticklist');
    const onTicklist = pair.onTicklist();
    expect((await onTicklist.signIn(email, PASSWORD)).status).toBe(200);

    const deleted = await onTicklist.request('POST', '/delete-user', { password: PASSWORD });
    expect(deleted.status).toBe(200);
    expect(await (await onBetterAuth.getSession()).json()).toBeNull();
    const list = await onBetterAuth.request('GET', '/list-sessions');
    expect(list.status).toBe(401);
    expect(await signsIn(pair.onBetterAuth(), email, PASSWORD)).toBe(401);
  });

  await test.step('deleted on Better Auth: Ticklist’s session is gone and the password no longer signs in there', async () => {
    const onTicklist = pair.onTicklist();
    const { email } = await signUp(onTicklist, 'delete-on-ba');
    const onBetterAuth = pair.onBetterAuth();
    expect((await onBetterAuth.signIn(email, PASSWORD)).status).toBe(200);

    const deleted = await onBetterAuth.request('POST', '/delete-user', { password: PASSWORD });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ success: true, message: 'User deleted' });
    expect(await (await onTicklist.getSession()).json()).toBeNull();
    const list = await onTicklist.request('GET', '/list-sessions');
    expect(list.status).toBe(401);
    expect(await signsIn(pair.onTicklist(), email, PASSWORD)).toBe(401);
  });
});
