/**
 * Playwright's `globalSetup`: starts the SMTP server the main server sends its mail to (see mail.ts)
 * for the whole run, in the runner process; the returned function stops it at the end.
 */
import { startMailServer } from './mail';

export default async function globalSetup(): Promise<() => Promise<void>> {
  return startMailServer();
}
