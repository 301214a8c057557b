/**
 * Interop 1b — our server, their client, account features: the real `better-auth/client` against
 * Ticklist's account endpoints (devices and sessions, password change and reset, profile, email
 * verification and change, deleting the account). Ticklist runs with `SMTP_URL` pointing at a small SMTP
 * sink (`smtp-sink.ts`); the emailed links are read from there and followed. Expected answers are the ones
 * Better Auth 1.7.25 gives; where Ticklist differs on purpose (docs/better-auth-compat.md, "Accounts"),
 * the test checks Ticklist's behaviour and says so.
 */
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

import { SmtpSink } from './smtp-sink';
import {
  type ChildServer,
  SESSION_COOKIE,
  attachLogsOnFailure,
  freePort,
  secret,
  startTicklist,
  tasksApi,
  tempDir,
  theirClient,
  uniqueEmail,
} from './support';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a whole new password';
/** The keys of a session as Better Auth lists it, in its order (captured from better-auth 1.7.25). */
const SESSION_KEYS = ['expiresAt', 'token', 'createdAt', 'updatedAt', 'ipAddress', 'userAgent', 'userId', 'id'];
/** The keys of a user, in Better Auth's order. */
const USER_KEYS = ['name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt', 'id'];

let ticklist: ChildServer;
let sink: SmtpSink;
let dir: ReturnType<typeof tempDir>;
let serverSecret: string;

test.beforeAll(async () => {
  dir = tempDir('accounts');
  sink = await SmtpSink.start();
  serverSecret = secret('accounts');
  ticklist = await startTicklist({
    port: await freePort(),
    databaseFile: dir.file('ticklist.db'),
    secret: serverSecret,
    env: { SMTP_URL: sink.url },
  });
});

test.afterAll(async () => {
  await ticklist?.stop();
  await sink?.stop();
  dir?.remove();
});

attachLogsOnFailure(() => [ticklist]);

/** A device: the real client with its own cookies and a `User-Agent` naming it. */
function device(name: string) {
  return theirClient(ticklist.url, { userAgent: name });
}

/** Signs a new user up on a device named `${label}-A`; returns the device and the user. */
async function newUser(label: string) {
  const email = uniqueEmail(label);
  const a = device(`${label}-A`);
  const { data, error } = await a.client.signUp.email({ email, password: PASSWORD, name: `${label} user` });
  expect(error).toBeNull();
  return { a, email, userId: data!.user.id };
}

/** Signs `email` in on a new device named `name`. */
async function signedIn(name: string, email: string, password = PASSWORD) {
  const d = device(name);
  const { error } = await d.client.signIn.email({ email, password });
  expect(error, `sign-in on ${name}`).toBeNull();
  return d;
}

/** Whether the device's session is still live on Ticklist. */
async function isLive(d: ReturnType<typeof device>): Promise<boolean> {
  const { data, error } = await d.client.getSession();
  expect(error).toBeNull();
  return data !== null;
}

test('listSessions, revokeSession, revokeOtherSessions and revokeSessions', async () => {
  const { a, email, userId } = await newUser('sessions');
  const b = await signedIn('sessions-B', email);
  const c = await signedIn('sessions-C', email);

  const tokens = await test.step('listSessions lists every device with Better Auth’s fields and raw tokens', async () => {
    const { data, error } = await a.client.listSessions();
    expect(error).toBeNull();
    expect(data).toHaveLength(3);
    for (const session of data!) {
      expect(Object.keys(session)).toEqual(SESSION_KEYS);
      expect(session.userId).toBe(userId);
      expect(session.token).toMatch(/^[a-zA-Z0-9]{32}$/);
    }
    expect(data!.map((s) => s.userAgent)).toEqual(['sessions-A', 'sessions-B', 'sessions-C']);
    // The same token the session cookie carries (before its signature).
    expect(decodeURIComponent(a.jar.get(SESSION_COOKIE)!).split('.')[0]).toBe(data![0].token);
    return Object.fromEntries(data!.map((s) => [s.userAgent, s.token]));
  });

  await test.step('revokeSession ends another device; it is told so on its next get-session', async () => {
    const { data, error } = await a.client.revokeSession({ token: tokens['sessions-B'] });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    expect(await isLive(b)).toBe(false);
    expect(b.jar.get(SESSION_COOKIE), 'get-session cleared the dead cookie').toBeUndefined();
    expect(await isLive(a)).toBe(true);
  });

  await test.step('revokeSession answers {status:true} for unknown tokens and other users’ sessions, which survive', async () => {
    expect((await a.client.revokeSession({ token: 'no-such-session-token-0123456789' })).data).toEqual({ status: true });
    const other = await newUser('sessions-other');
    const [otherSession] = (await other.a.client.listSessions()).data!;
    expect((await a.client.revokeSession({ token: otherSession.token })).data).toEqual({ status: true });
    expect(await isLive(other.a)).toBe(true);
  });

  await test.step('revokeSession without a token is Better Auth’s validation error', async () => {
    // (The client's revokeSession({}) would send a GET, having no body to send: post `{}` with $fetch.)
    const { error } = await a.client.$fetch('/revoke-session', { method: 'POST', body: {} });
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: '[body.token] Invalid input: expected string, received undefined',
    });
  });

  await test.step('revokeOtherSessions keeps this device only', async () => {
    const b2 = await signedIn('sessions-B', email);
    const { data, error } = await a.client.revokeOtherSessions();
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    expect(await isLive(a)).toBe(true);
    expect(await isLive(b2)).toBe(false);
    expect(await isLive(c)).toBe(false);
    expect((await a.client.listSessions()).data!.map((s) => s.userAgent)).toEqual(['sessions-A']);
  });

  await test.step('revokeSessions ends every session, this one too, and clears this cookie', async () => {
    const d = await signedIn('sessions-D', email);
    const { data, error } = await a.client.revokeSessions();
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    expect(a.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect(await isLive(d)).toBe(false);
    const list = await a.client.listSessions();
    expect(list.error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'Unauthorized' });
  });

  await test.step('revoking the current session by its token clears this device’s cookie', async () => {
    const e = await signedIn('sessions-E', email);
    const [own] = (await e.client.listSessions()).data!;
    expect((await e.client.revokeSession({ token: own.token })).data).toEqual({ status: true });
    expect(e.jar.get(SESSION_COOKIE)).toBeUndefined();
  });
});

test('changePassword checks the current password, and with revokeOtherSessions signs out every other device', async () => {
  const { a, email, userId } = await newUser('password');
  const b = await signedIn('password-B', email);

  await test.step('a wrong current password is 400 INVALID_PASSWORD; a short new one PASSWORD_TOO_SHORT', async () => {
    const wrong = await a.client.changePassword({ currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expect(wrong.error).toMatchObject({ status: 400, code: 'INVALID_PASSWORD', message: 'Invalid password' });
    const short = await a.client.changePassword({ currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.error).toMatchObject({ status: 400, code: 'PASSWORD_TOO_SHORT', message: 'Password too short' });
  });

  await test.step('without revokeOtherSessions: {token:null, user}, and every session stays', async () => {
    const cookie = a.jar.get(SESSION_COOKIE);
    const { data, error } = await a.client.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(error).toBeNull();
    expect(data!.token).toBeNull();
    expect(Object.keys(data!.user)).toEqual(USER_KEYS);
    expect(data!.user).toMatchObject({ id: userId, email });
    expect(a.jar.get(SESSION_COOKIE)).toBe(cookie);
    expect(await isLive(b)).toBe(true);
  });

  await test.step('with revokeOtherSessions: a new session for this device, every other one ended', async () => {
    const oldCookie = a.jar.get(SESSION_COOKIE);
    const { data, error } = await a.client.changePassword({
      currentPassword: NEW_PASSWORD,
      newPassword: PASSWORD,
      revokeOtherSessions: true,
    });
    expect(error).toBeNull();
    expect(data!.token).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(data!.user.id).toBe(userId);
    expect(a.jar.get(SESSION_COOKIE)).not.toBe(oldCookie);
    const { data: session } = await a.client.getSession();
    expect(session?.session.token).toBe(data!.token);
    expect(await isLive(b)).toBe(false);
  });

  await test.step('only the latest password signs in', async () => {
    const old = await device('password-C').client.signIn.email({ email, password: NEW_PASSWORD });
    expect(old.error).toMatchObject({ status: 401, code: 'INVALID_EMAIL_OR_PASSWORD' });
    await signedIn('password-C', email, PASSWORD);
  });
});

test('updateUser changes name and image; the session and the next JWT show them', async () => {
  const { a, email } = await newUser('profile');

  await test.step('{status:true}, and get-session and its JWT carry the new name and image', async () => {
    const { data, error } = await a.client.updateUser({ name: 'Renamed User', image: 'https://img.example/a.png' });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    a.seen.lastJwtHeader = null;
    const { data: session } = await a.client.getSession();
    expect(session?.user).toMatchObject({ name: 'Renamed User', image: 'https://img.example/a.png', email });
    expect(decodeJwt(a.seen.lastJwtHeader!)).toMatchObject({ name: 'Renamed User', image: 'https://img.example/a.png' });
  });

  await test.step('image null clears the image', async () => {
    expect((await a.client.updateUser({ image: null })).data).toEqual({ status: true });
    expect((await a.client.getSession()).data?.user.image).toBeNull();
  });

  await test.step('the email cannot be changed here; an empty change has Better Auth’s code-less error', async () => {
    const withEmail = await a.client.updateUser({ email: 'other@example.com' } as unknown as { name: string });
    expect(withEmail.error).toMatchObject({ status: 400, code: 'EMAIL_CAN_NOT_BE_UPDATED', message: 'Email can not be updated' });
    // (updateUser({}) would send a GET, having no body to send: post `{}` with $fetch.)
    const empty = await a.client.$fetch('/update-user', { method: 'POST', body: {} });
    expect(empty.error).toMatchObject({ status: 400, message: 'No fields to update' });
    expect((empty.error as { code?: string } | null)?.code).toBeUndefined();
  });

  await test.step('Ticklist (on purpose) bounds the name to 128 characters and wants an http(s) image URL', async () => {
    // Better Auth stores any value here; Ticklist refuses what would make the user's JWTs too large or unsafe.
    const long = await a.client.updateUser({ name: 'x'.repeat(129) });
    expect(long.error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    const script = await a.client.updateUser({ image: 'javascript:alert(1)' });
    expect(script.error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect((await a.client.getSession()).data?.user.name).toBe('Renamed User');
  });
});

test('requestPasswordReset and resetPassword with the token from the emailed link', async () => {
  const { a, email } = await newUser('reset');
  const b = await signedIn('reset-B', email);

  await test.step('unknown and known addresses get the same answer; only the known one gets mail', async () => {
    const unknown = uniqueEmail('nobody');
    for (const address of [unknown, email]) {
      const { data, error } = await device('anonymous').client.requestPasswordReset({ email: address, redirectTo: '/reset-password' });
      expect(error).toBeNull();
      expect(data).toEqual({
        status: true,
        message: 'If this email exists in our system, check your email for the reset link',
      });
    }
    await sink.waitFor(email, 'Reset your Ticklist password');
    expect(sink.countTo(unknown)).toBe(0);
  });

  const token = await test.step('the emailed link redirects to the page with the token', async () => {
    const mail = await sink.waitFor(email, 'Reset your Ticklist password');
    const link = mail.linkContaining('/api/auth/reset-password/');
    expect(link).toMatch(new RegExp(`^${ticklist.url}/api/auth/reset-password/[a-zA-Z0-9]{24}\\?callbackURL=%2Freset-password$`));
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${ticklist.url}/reset-password`);
    return location.searchParams.get('token')!;
  });

  await test.step('without redirectTo the link still works (Ticklist on purpose: Better Auth’s empty callbackURL fails)', async () => {
    const since = sink.messages.length;
    await device('anonymous').client.requestPasswordReset({ email });
    const link = (await sink.waitFor(email, 'Reset your Ticklist password', { since })).linkContaining('/api/auth/reset-password/');
    expect(link).toContain('?callbackURL=%2Freset-password');
    const response = await fetch(link, { redirect: 'manual' });
    expect(new URL(response.headers.get('location')!).searchParams.get('token')).toMatch(/^[a-zA-Z0-9]{24}$/);
  });

  await test.step('a short password or an unknown token is refused, and the token is not used up', async () => {
    const short = await device('anonymous').client.resetPassword({ newPassword: 'short', token });
    expect(short.error).toMatchObject({ status: 400, code: 'PASSWORD_TOO_SHORT' });
    const unknown = await device('anonymous').client.resetPassword({ newPassword: NEW_PASSWORD, token: 'abcdefghijklmnopqrstuvwx' });
    expect(unknown.error).toMatchObject({ status: 400, code: 'INVALID_TOKEN', message: 'Invalid token' });
  });

  await test.step('resetPassword sets the password once; the token is then spent', async () => {
    const { data, error } = await device('anonymous').client.resetPassword({ newPassword: NEW_PASSWORD, token });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    const again = await device('anonymous').client.resetPassword({ newPassword: PASSWORD, token });
    expect(again.error).toMatchObject({ status: 400, code: 'INVALID_TOKEN' });
    const link = await fetch(`${ticklist.url}/api/auth/reset-password/${token}?callbackURL=%2Freset-password`, { redirect: 'manual' });
    expect(link.headers.get('location')).toBe(`${ticklist.url}/reset-password?error=INVALID_TOKEN`);
  });

  await test.step('every session is signed out (Ticklist’s default, REVOKE_SESSIONS_ON_PASSWORD_RESET=on)', async () => {
    // Better Auth keeps the sessions unless revokeSessionsOnPasswordReset is set.
    expect(await isLive(a)).toBe(false);
    expect(await isLive(b)).toBe(false);
  });

  await test.step('the new password signs in, the old one does not', async () => {
    const old = await device('reset-C').client.signIn.email({ email, password: PASSWORD });
    expect(old.error).toMatchObject({ status: 401, code: 'INVALID_EMAIL_OR_PASSWORD' });
    await signedIn('reset-C', email, NEW_PASSWORD);
  });
});

test('sendVerificationEmail and following the emailed link verify the address', async () => {
  const since = sink.messages.length;
  const { a, email, userId } = await newUser('verify');

  await test.step('sign-up sent a verification email (Ticklist does whenever mail is configured)', async () => {
    // Better Auth sends it only with emailVerification.sendOnSignUp (or requireEmailVerification).
    const mail = await sink.waitFor(email, 'Confirm your email address', { since });
    expect(mail.linkContaining('/api/auth/verify-email?token=')).toContain('&callbackURL=%2F');
    expect((await a.client.getSession()).data?.user.emailVerified).toBe(false);
  });

  const link = await test.step('sendVerificationEmail sends a link with Better Auth’s stateless HS256 token', async () => {
    const before = sink.messages.length;
    const { data, error } = await a.client.sendVerificationEmail({ email, callbackURL: '/verified' });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    const link = (await sink.waitFor(email, 'Confirm your email address', { since: before })).linkContaining('/api/auth/verify-email?token=');
    const url = new URL(link);
    expect(url.searchParams.get('callbackURL')).toBe('/verified');
    const token = url.searchParams.get('token')!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(serverSecret));
    expect(Object.keys(payload)).toEqual(['email', 'userId', 'iat', 'exp']);
    expect(payload).toMatchObject({ email, userId });
    expect(payload.exp! - payload.iat!).toBe(3600);
    return link;
  });

  await test.step('a signed-in user may only ask for their own address', async () => {
    const { error } = await a.client.sendVerificationEmail({ email: uniqueEmail('someone-else') });
    expect(error).toMatchObject({ status: 400, code: 'EMAIL_MISMATCH', message: 'Email mismatch' });
  });

  await test.step('following the link verifies the address and redirects to the callbackURL as given', async () => {
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/verified');
    expect((await a.client.getSession()).data?.user.emailVerified).toBe(true);
  });

  await test.step('verifyEmail from the client: the token can be replayed until it expires; garbage is INVALID_TOKEN', async () => {
    const token = new URL(link).searchParams.get('token')!;
    const { data, error } = await a.client.verifyEmail({ query: { token } });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true, user: null });
    const bad = await a.client.verifyEmail({ query: { token: 'not.a.token' } });
    expect(bad.error).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: 'Invalid token' });
  });

  await test.step('an already verified address: EMAIL_ALREADY_VERIFIED when signed in, a silent 200 when not', async () => {
    const { error } = await a.client.sendVerificationEmail({ email });
    expect(error).toMatchObject({ status: 400, code: 'EMAIL_ALREADY_VERIFIED' });
    const before = sink.messages.length;
    const anonymous = await device('anonymous').client.sendVerificationEmail({ email });
    expect(anonymous.data).toEqual({ status: true });
    expect(sink.messages.length).toBe(before);
    expect((await a.client.getSession()).data?.user.id).toBe(userId);
  });
});

test('changeEmail sends a link to the new address, which moves the account there', async () => {
  const { a, email, userId } = await newUser('change-email');
  const taken = await newUser('change-email-taken');
  const newEmail = uniqueEmail('change-email-new');

  await test.step('the same address is refused with Better Auth’s code-less error', async () => {
    const { error } = await a.client.changeEmail({ newEmail: email });
    expect(error).toMatchObject({ status: 400, message: 'Email is the same' });
    expect(error?.code).toBeUndefined();
  });

  await test.step('an address another account has: {status:true} and nothing happens', async () => {
    const before = sink.messages.length;
    const { data, error } = await a.client.changeEmail({ newEmail: taken.email });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const changeMails = sink.messages.slice(before).filter((m) => m.to.includes(taken.email) && m.subject.includes('new email'));
    expect(changeMails).toEqual([]);
  });

  const token = await test.step('a new address gets a change-email-verification link; the account keeps its address until then', async () => {
    const before = sink.messages.length;
    const { data, error } = await a.client.changeEmail({ newEmail: newEmail.toUpperCase(), callbackURL: '/email-changed' });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    const link = (await sink.waitFor(newEmail, 'Confirm your new email address', { since: before })).linkContaining('/api/auth/verify-email?token=');
    expect(new URL(link).searchParams.get('callbackURL')).toBe('/email-changed');
    const token = new URL(link).searchParams.get('token')!;
    const { payload } = await jwtVerify(token, new TextEncoder().encode(serverSecret));
    expect(Object.keys(payload)).toEqual(['email', 'updateTo', 'requestType', 'userId', 'iat', 'exp']);
    expect(payload).toMatchObject({ email, updateTo: newEmail, requestType: 'change-email-verification', userId });
    expect((await a.client.getSession()).data?.user.email).toBe(email);
    return token;
  });

  await test.step('verifyEmail with that token moves the account to the new address', async () => {
    const { data, error } = await a.client.verifyEmail({ query: { token } });
    expect(error).toBeNull();
    // Typed {status} by the client; Better Auth answers a change of email with the updated user too.
    const answer = data as unknown as { status: boolean; user: Record<string, unknown> };
    expect(answer.status).toBe(true);
    expect(Object.keys(answer.user)).toEqual(USER_KEYS);
    expect(answer.user).toMatchObject({ id: userId, email: newEmail, emailVerified: false });
    expect((await a.client.getSession()).data?.user.email).toBe(newEmail);
    // The token names the old address, which the account no longer has: it is spent (as in Better Auth).
    const replay = await a.client.verifyEmail({ query: { token } });
    expect(replay.error).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  await test.step('the old address no longer signs in; the new one does', async () => {
    const old = await device('change-email-B').client.signIn.email({ email, password: PASSWORD });
    expect(old.error).toMatchObject({ status: 401, code: 'INVALID_EMAIL_OR_PASSWORD' });
    await signedIn('change-email-B', newEmail);
  });
});

test('deleteUser deletes the account and its tasks; its JWT is refused at once', async () => {
  const { a, email, userId } = await newUser('delete');
  const b = await signedIn('delete-B', email);

  const jwt = await test.step('the user has tasks, made with a JWT from the client', async () => {
    const { data, error } = await a.client.token();
    expect(error).toBeNull();
    const api = tasksApi(ticklist.url, userId, data!.token);
    for (const title of ['first', 'second']) expect((await api.create(title)).status).toBe(201);
    expect(await (await api.list()).json()).toHaveLength(2);
    return data!.token;
  });

  await test.step('a wrong password is 400 INVALID_PASSWORD, and nothing is deleted', async () => {
    const { error } = await a.client.deleteUser({ password: 'not my password' });
    expect(error).toMatchObject({ status: 400, code: 'INVALID_PASSWORD', message: 'Invalid password' });
    expect(await isLive(a)).toBe(true);
  });

  await test.step('with the password: {success:true, message:"User deleted"}, and the cookie is cleared', async () => {
    const { data, error } = await a.client.deleteUser({ password: PASSWORD });
    expect(error).toBeNull();
    expect(data).toEqual({ success: true, message: 'User deleted' });
    expect(a.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect(await isLive(b)).toBe(false);
  });

  await test.step('the JWT issued before is refused by the REST API (Ticklist; Better Auth’s JWTs outlive the user)', async () => {
    const listed = await tasksApi(ticklist.url, userId, jwt).list();
    expect(listed.status).toBe(401);
  });

  await test.step('the user’s tasks are gone from the database, and the password no longer signs in', async () => {
    const database = new Database(dir.file('ticklist.db'), { readonly: true, fileMustExist: true });
    try {
      const { count } = database.prepare('select count(*) as count from task where user_id = ?').get(userId) as { count: number };
      expect(count).toBe(0);
      expect(database.prepare('select count(*) as count from "user" where id = ?').get(userId)).toEqual({ count: 0 });
    } finally {
      database.close();
    }
    const signIn = await device('delete-C').client.signIn.email({ email, password: PASSWORD });
    expect(signIn.error).toMatchObject({ status: 401, code: 'INVALID_EMAIL_OR_PASSWORD' });
  });
});
