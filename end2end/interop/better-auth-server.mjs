// A real Better Auth server (npm `better-auth` 1.7.25 + the `jwt()` plugin) for the interop tests.
//
// Configuration, all from the environment:
//   PORT                 port to listen on (127.0.0.1)                                   required
//   BETTER_AUTH_URL      baseURL: its origin is the JWT iss/aud and a trusted origin        required
//   BETTER_AUTH_SECRET   signs session cookies, encrypts the JWKS private keys (>= 32 chars) required
//   DATABASE_FILE        SQLite file (better-sqlite3); created when missing                required
//   TRUSTED_ORIGINS      comma-separated extra trusted origins                            optional
//   JWKS_ROTATION_INTERVAL  seconds: the jwt() plugin's jwks.rotationInterval (a signing key
//                        expires that long after it was made; the next JWT is signed with a new
//                        key, a new `kid`), with jwks.gracePeriod 600 s (JWKS_GRACE_PERIOD)        optional
//   JWKS_GRACE_PERIOD    seconds an expired key stays in /jwks (only with a rotation interval)  optional
//   JWT_EXPIRATION_TIME  the jwt() plugin's jwt.expirationTime, e.g. "10s" (default 15m)       optional
//   LOG_REQUESTS         "1": print `interop-ba: request <METHOD> <url>` for every request      optional
//   ACCOUNT_FEATURES     "1": turn on the account features that need mail (password reset, email
//                        verification, change of email) and delete-user; every message is printed
//                        as one line `interop-ba: mail {"kind","to","url","token"}` (kind
//                        "reset-password" or "verify-email") instead of being sent                  optional
//
// At start it plans the schema with `getMigrations` and runs the plan, then prints one line
//   interop-ba: migrations {"toBeCreated":[...],"toBeAdded":[...],"toBeAddedIndexes":[...]}
// (what it found missing, so a test can tell whether the tables were already there), then
//   interop-ba: listening on http://127.0.0.1:<PORT>
// It stops on SIGINT/SIGTERM.
import http from 'node:http';

import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins/jwt';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`interop-ba: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number(required('PORT'));
const baseURL = required('BETTER_AUTH_URL');
const secret = required('BETTER_AUTH_SECRET');
const databaseFile = required('DATABASE_FILE');
const trustedOrigins = (process.env.TRUSTED_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);

/** A whole number of seconds from the environment, or undefined when the variable is not set. */
function optionalSeconds(name) {
  const text = process.env[name];
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`interop-ba: ${name} must be a positive whole number of seconds, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

const rotationInterval = optionalSeconds('JWKS_ROTATION_INTERVAL');
const gracePeriod = optionalSeconds('JWKS_GRACE_PERIOD') ?? 600;
const expirationTime = process.env.JWT_EXPIRATION_TIME || undefined;
const logRequests = process.env.LOG_REQUESTS === '1';
const jwtOptions = {
  ...(rotationInterval ? { jwks: { rotationInterval, gracePeriod } } : {}),
  ...(expirationTime ? { jwt: { expirationTime } } : {}),
};

const database = new Database(databaseFile);
// Another process (Ticklist) may write to the same file: wait for its locks instead of failing.
database.pragma('busy_timeout = 5000');

/** Prints a message instead of sending it, for the test to read. */
function printMail(kind, { user, url, token }) {
  console.log(`interop-ba: mail ${JSON.stringify({ kind, to: user.email, url, token })}`);
}

const accountFeatures = process.env.ACCOUNT_FEATURES === '1';
const options = {
  baseURL,
  secret,
  trustedOrigins,
  database,
  emailAndPassword: {
    enabled: true,
    ...(accountFeatures ? { sendResetPassword: async (data) => printMail('reset-password', data) } : {}),
  },
  ...(accountFeatures
    ? {
        emailVerification: { sendVerificationEmail: async (data) => printMail('verify-email', data) },
        user: { changeEmail: { enabled: true }, deleteUser: { enabled: true } },
      }
    : {}),
  plugins: [jwt(jwtOptions)],
  telemetry: { enabled: false },
  logger: { level: 'warn' },
};

const plan = await getMigrations(options);
console.log(
  'interop-ba: migrations ' +
    JSON.stringify({
      toBeCreated: plan.toBeCreated.map((t) => t.table),
      toBeAdded: plan.toBeAdded.map((t) => ({ table: t.table, fields: Object.keys(t.fields) })),
      toBeAddedIndexes: plan.toBeAddedIndexes.map((i) => i.name),
    }),
);
await plan.runMigrations();

const auth = betterAuth(options);
const authHandler = toNodeHandler(auth);

const server = http.createServer((req, res) => {
  if (logRequests) console.log(`interop-ba: request ${req.method} ${req.url}`);
  if (req.url?.startsWith('/api/auth')) {
    authHandler(req, res).catch((error) => {
      console.error('interop-ba: handler error', error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    return;
  }
  res.writeHead(404).end();
});

server.listen(port, '127.0.0.1', () => {
  console.log(`interop-ba: listening on http://127.0.0.1:${port}`);
});

function stop() {
  server.close(() => {
    database.close();
    process.exit(0);
  });
  server.closeAllConnections();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
