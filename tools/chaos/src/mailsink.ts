import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface SunkMail {
  /** `X-LMA-Notification-Id`: the notification the mail delivers. */
  notificationId: string;
  messageId: string;
  subject: string;
  to: string[];
}

/**
 * An SMTP server on loopback that keeps every mail it accepts (no limit: the run counts them
 * all). A notification delivered again after a crash keeps its Message-ID, so deliveries are
 * counted by Message-ID.
 */
export async function startMailSink(): Promise<{ port: number; mails: SunkMail[]; stop(): Promise<void> }> {
  const mails: SunkMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((x) => x.address ?? ''));
          const id = m.headers.get('x-lma-notification-id');
          mails.push({ notificationId: typeof id === 'string' ? id : '', messageId: m.messageId ?? '', subject: m.subject ?? '', to });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    port: addr.port,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
