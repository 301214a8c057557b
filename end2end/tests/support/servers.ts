/**
 * The servers the browser tests talk to (started by `webServer` in playwright.config.ts).
 */

/** The main server (the `chromium` project's `baseURL`): 15-minute access tokens. */
export const MAIN_PORT = 3180;
export const MAIN_URL = `http://127.0.0.1:${MAIN_PORT}`;

/** A second server whose access tokens live 4 s (`JWT_EXPIRES_IN=4`), for tests/tokens.spec.ts. */
export const SHORT_TOKEN_PORT = 3181;
export const SHORT_TOKEN_URL = `http://127.0.0.1:${SHORT_TOKEN_PORT}`;
/** The access-token lifetime of the short-token server, in seconds. */
export const SHORT_TOKEN_SECONDS = 4;
