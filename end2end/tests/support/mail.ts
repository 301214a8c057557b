/**
 * A real SMTP server for the browser tests, in plain Node (`net`, `http`): the main server sends its
 * mail to it (`SMTP_URL=smtp://127.0.0.1:SMTP_PORT`, see playwright.config.ts), and the tests read the
 * messages back over HTTP (`GET http://127.0.0.1:MAIL_API_PORT/messages`). It speaks enough SMTP for
 * lettre: greeting, EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP, QUIT; no TLS, no auth.
 *
 * `startMailServer` runs in Playwright's `globalSetup` (tests/support/global-setup.ts), in the runner
 * process, for the whole run; tests in the worker processes use `waitForMail` and `linkIn`.
 */
import { expect } from '@playwright/test';
import * as http from 'node:http';
import * as net from 'node:net';

/** Where the server under test delivers mail. */
export const SMTP_PORT = 3190;
/** Where the tests read the messages. */
export const MAIL_API_PORT = 3191;

/** One accepted message: its envelope recipients and its raw text (headers and body). */
export interface Mail {
  to: string[];
  raw: string;
}

/** Serves one SMTP connection, adding each accepted message to `inbox`. */
function serveSmtp(socket: net.Socket, inbox: Mail[]): void {
  let buffer = '';
  let recipients: string[] = [];
  let data: string[] | null = null;
  const reply = (line: string) => socket.write(`${line}\r\n`);
  reply('220 127.0.0.1 ESMTP ticklist-e2e');
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data) {
        if (line === '.') {
          inbox.push({ to: recipients, raw: data.join('\r\n') });
          data = null;
          recipients = [];
          reply('250 2.0.0 queued');
        } else {
          data.push(line.startsWith('..') ? line.slice(1) : line);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') {
        reply('250-127.0.0.1');
        reply('250-8BITMIME');
        reply('250 SMTPUTF8');
      } else if (verb === 'HELO') {
        reply('250 127.0.0.1');
      } else if (verb === 'MAIL') {
        recipients = [];
        reply('250 2.1.0 OK');
      } else if (verb === 'RCPT') {
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        recipients.push(address.toLowerCase());
        reply('250 2.1.5 OK');
      } else if (verb === 'DATA') {
        data = [];
        reply('354 end data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        recipients = [];
        reply('250 2.0.0 OK');
      } else if (verb === 'QUIT') {
        reply('221 2.0.0 bye');
        socket.end();
      } else {
        reply('250 2.0.0 OK');
      }
    }
  });
}

/** Starts the SMTP server and the HTTP endpoint that lists what it received; resolves to a stopper. */
export async function startMailServer(): Promise<() => Promise<void>> {
  const inbox: Mail[] = [];
  const smtp = net.createServer((socket) => serveSmtp(socket, inbox));
  const api = http.createServer((request, response) => {
    if (request.url === '/messages') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(inbox));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => smtp.once('error', reject).listen(SMTP_PORT, '127.0.0.1', resolve));
  await new Promise<void>((resolve, reject) => api.once('error', reject).listen(MAIL_API_PORT, '127.0.0.1', resolve));
  return async () => {
    await new Promise((resolve) => api.close(resolve));
    await new Promise((resolve) => smtp.close(resolve));
  };
}

/** Every message received so far. */
export async function allMail(): Promise<Mail[]> {
  const response = await fetch(`http://127.0.0.1:${MAIL_API_PORT}/messages`);
  return (await response.json()) as Mail[];
}

/** A message's text with quoted-printable soft breaks and escapes undone. */
export function decoded(mail: Mail): string {
  return mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The first http(s) link in `mail` that contains `needle`. */
export function linkIn(mail: Mail, needle: string): string | undefined {
  const links = decoded(mail).match(/https?:\/\/[^\s"<>]+/g) ?? [];
  return links.find((link) => link.includes(needle))?.replace(/&amp;/g, '&');
}

/** Waits (up to 15 s) for a message to `to` whose subject contains `subject`; the newest such one. */
export async function waitForMail(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const matching = (await allMail()).filter(
          (mail) => mail.to.includes(to.toLowerCase()) && /^Subject: (.*)$/m.exec(mail.raw)?.[1]?.includes(subject),
        );
        found = matching.at(-1);
        return found !== undefined;
      },
      { message: `a message to ${to} about "${subject}"`, timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}
