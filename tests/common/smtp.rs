//! A real SMTP server on loopback for the tests: it speaks enough SMTP for lettre (greeting, EHLO,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts, and can be stopped and
//! started again on the same port to play an SMTP outage.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One accepted message: its envelope recipient and its raw text (headers and body).
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub raw: String,
}

impl Received {
    /// The message's `Subject:` header.
    pub fn subject(&self) -> String {
        self.raw.lines().find_map(|line| line.strip_prefix("Subject: ")).unwrap_or_default().to_owned()
    }

    /// The plain-text part, quoted-printable decoded.
    pub fn text(&self) -> String {
        decode_quoted_printable(&self.raw)
    }

    /// The first `http(s)://` link in the message that contains `needle`.
    pub fn link_containing(&self, needle: &str) -> Option<String> {
        let text = self.text();
        text.split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
            .find(|word| word.contains(needle))
            .map(|word| word.replace("&amp;", "&"))
    }
}

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<Notify>,
    server: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpSink {
    /// Starts listening on a free loopback port.
    pub async fn start() -> Arc<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port for SMTP");
        let port = listener.local_addr().unwrap().port();
        let sink = Arc::new(Self { port, messages: Arc::default(), arrived: Arc::default(), server: Mutex::new(None) });
        sink.serve(listener);
        sink
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn serve(&self, listener: TcpListener) {
        let (messages, arrived) = (self.messages.clone(), self.arrived.clone());
        let handle = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (messages, arrived) = (messages.clone(), arrived.clone());
                tokio::spawn(async move {
                    let _ = session(stream, messages, arrived).await;
                });
            }
        });
        *self.server.lock().unwrap() = Some(handle);
    }

    /// Stops listening: connections are refused until [`SmtpSink::resume`].
    pub fn stop(&self) {
        if let Some(handle) = self.server.lock().unwrap().take() {
            handle.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn resume(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.expect("the SMTP port is free again");
        self.serve(listener);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    /// Waits (up to `within`) for a message to `to` whose subject contains `subject`.
    pub async fn wait_for(&self, to: &str, subject: &str, within: Duration) -> Received {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.arrived.notified();
            if let Some(found) = self
                .messages()
                .into_iter()
                .rev()
                .find(|m| m.to.eq_ignore_ascii_case(to) && m.subject().contains(subject))
            {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no message to {to} about {subject:?} within {within:?}; got {:?}", self.messages());
            }
        }
    }
}

async fn session(stream: TcpStream, messages: Arc<Mutex<Vec<Received>>>, arrived: Arc<Notify>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut to = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("HELO")
            || command.starts_with("MAIL")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            b"250 OK\r\n"
        } else if command.starts_with("RCPT") {
            to = line.trim_end()[8..]
                .trim()
                .trim_start_matches(':')
                .trim()
                .trim_matches(|c| c == '<' || c == '>')
                .to_owned();
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                raw.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
            }
            messages.lock().unwrap().push(Received { to: to.clone(), raw });
            arrived.notify_waiters();
            b"250 OK queued\r\n"
        } else if command.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// Undoes quoted-printable: soft line breaks and `=XX` escapes (other text is left as is).
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'=' && i + 3 <= bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()))
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
