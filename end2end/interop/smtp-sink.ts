/**
 * A small SMTP server on loopback for the interop tests (Node `net`, no dependencies): it speaks enough
 * SMTP for Ticklist's sender (lettre): greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. It keeps
 * every message it accepts, so a test can wait for the mail a request caused and follow its link.
 */
import net from 'node:net';

/** One accepted message: its envelope recipients and raw text (headers and body, dot-unstuffed). */
export class ReceivedMail {
  constructor(
    readonly to: string[],
    readonly raw: string,
  ) {}

  /** The `Subject:` header (lettre writes ASCII subjects unencoded). */
  get subject(): string {
    const match = /^Subject: (.*)$/im.exec(this.raw);
    return match ? match[1].trim() : '';
  }

  /** The message with quoted-printable soft breaks and `=XX` escapes undone (plain and HTML parts). */
  get text(): string {
    return decodeQuotedPrintable(this.raw);
  }

  /** The first `http(s)://` link in the message that contains `needle`. */
  linkContaining(needle: string): string {
    const link = this.text
      .split(/[\s"<>]+/)
      .filter((word) => word.startsWith('http://') || word.startsWith('https://'))
      .find((word) => word.includes(needle));
    if (!link) throw new Error(`no link containing ${JSON.stringify(needle)} in the message:\n${this.raw}`);
    return link.replaceAll('&amp;', '&');
  }
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Starts listening on a free loopback port. */
  static async start(): Promise<SmtpSink> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const sink = new SmtpSink(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => sink.session(socket));
    return sink;
  }

  /** `smtp://127.0.0.1:<port>`: plain SMTP, what Ticklist's `SMTP_URL` takes. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Waits (up to `timeoutMs`) for a message to `to` whose subject contains `subject`, among the messages
   * received after the first `since` (take `sink.messages.length` before the request); the newest wins.
   */
  async waitFor(to: string, subject: string, { since = 0, timeoutMs = 10_000 } = {}): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages
        .slice(since)
        .reverse()
        .find((mail) => mail.to.some((r) => r.toLowerCase() === to.toLowerCase()) && mail.subject.includes(subject));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((m) => `${m.to.join(',')}: ${m.subject}`);
        throw new Error(`no mail to ${to} about ${JSON.stringify(subject)} within ${timeoutMs} ms; got ${JSON.stringify(seen)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** How many messages went to `to` so far. */
  countTo(to: string): number {
    return this.messages.filter((mail) => mail.to.some((r) => r.toLowerCase() === to.toLowerCase())).length;
  }

  private session(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.write('220 sink.test ESMTP ready\r\n');

    let buffer = '';
    let inData = false;
    let data: string[] = [];
    let recipients: string[] = [];

    const onLine = (line: string) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          this.messages.push(new ReceivedMail(recipients, data.join('\r\n')));
          recipients = [];
          data = [];
          for (const wake of [...this.waiters]) wake();
          socket.write('250 OK queued\r\n');
        } else {
          data.push(line.startsWith('..') ? line.slice(1) : line);
        }
        return;
      }
      const command = line.toUpperCase();
      if (command.startsWith('EHLO')) socket.write('250-sink.test\r\n250 8BITMIME\r\n');
      else if (command.startsWith('HELO') || command.startsWith('NOOP')) socket.write('250 OK\r\n');
      else if (command.startsWith('MAIL')) {
        recipients = [];
        socket.write('250 OK\r\n');
      } else if (command.startsWith('RSET')) {
        recipients = [];
        data = [];
        socket.write('250 OK\r\n');
      } else if (command.startsWith('RCPT')) {
        const match = /<([^>]*)>/.exec(line);
        recipients.push(match ? match[1] : line.slice(line.indexOf(':') + 1).trim());
        socket.write('250 OK\r\n');
      } else if (command.startsWith('DATA')) {
        inData = true;
        socket.write('354 end with <CRLF>.<CRLF>\r\n');
      } else if (command.startsWith('QUIT')) {
        socket.end('221 bye\r\n');
      } else {
        socket.write('502 not implemented\r\n');
      }
    };

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        onLine(buffer.slice(0, end).replace(/\r$/, ''));
        buffer = buffer.slice(end + 1);
      }
    });
  }
}

/** Undoes quoted-printable: soft line breaks and `=XX` escapes (as UTF-8); other text is left as is. */
function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
