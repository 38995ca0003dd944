import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/**
 * A mail catcher for demos and local runs (never production): accepts every mail on SMTP
 * (127.0.0.1:1025, no TLS, no auth), keeps the last 500 in memory and shows them on
 * http://127.0.0.1:1080 (HTML) and /messages (JSON).
 */
interface CaughtMail {
  id: number;
  receivedAt: string;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

const HOST = process.env['MAILCATCHER_HOST'] ?? '127.0.0.1';
const SMTP_PORT = Number(process.env['MAILCATCHER_SMTP_PORT'] ?? 1025);
const HTTP_PORT = Number(process.env['MAILCATCHER_HTTP_PORT'] ?? 1080);
const KEEP = 500;

const mails: CaughtMail[] = [];
let nextId = 1;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 5 * 1024 * 1024,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((m) => {
        const addresses = (v: typeof m.to) => (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address ?? ''));
        const headers: Record<string, string> = {};
        for (const [k, v] of m.headers) if (k.startsWith('x-lma-')) headers[k] = String(v);
        mails.unshift({
          id: nextId++,
          receivedAt: new Date().toISOString(),
          messageId: m.messageId ?? '',
          from: m.from?.text ?? '',
          to: addresses(m.to),
          subject: m.subject ?? '',
          text: m.text ?? '',
          headers,
        });
        mails.length = Math.min(mails.length, KEEP);
        callback();
      })
      .catch((err: Error) => callback(err));
  },
});

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(): string {
  const rows = mails
    .map(
      (m) => `<article><h2>${escape(m.subject)}</h2><p class="meta">#${m.id} · ${escape(m.receivedAt)} · from ${escape(m.from)} · to ${escape(m.to.join(', '))}<br>Message-ID ${escape(m.messageId)}</p><pre>${escape(m.text)}</pre></article>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>LMA mail catcher (${mails.length})</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}article{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:1em 0}h2{font-size:1.1em;margin:.3em 0}.meta{color:#666}pre{white-space:pre-wrap}</style></head>
<body><h1>LMA mail catcher</h1><p>${mails.length} mail(s), newest first; SMTP on ${HOST}:${SMTP_PORT}; JSON at <a href="/messages">/messages</a>. Refreshes every 5 s.</p>${rows || '<p>No mail yet.</p>'}</body></html>`;
}

const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
  } else if (req.method === 'GET' && url.pathname === '/messages') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: mails }));
  } else if (req.method === 'DELETE' && url.pathname === '/messages') {
    mails.length = 0;
    res.writeHead(204).end();
  } else if (req.method === 'GET' && url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  }
});

smtp.listen(SMTP_PORT, HOST, () => {
  http.listen(HTTP_PORT, HOST, () => console.log(`mailcatcher: SMTP on ${HOST}:${SMTP_PORT}, mails on http://${HOST}:${HTTP_PORT}`));
});

const stop = () => {
  http.close();
  smtp.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
