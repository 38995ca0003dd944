import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { LicenseV1 } from '@lma/contracts';
import { freePort, ids } from '@lma/testing';

/** A mail as the notification service delivered it to the test's SMTP server. */
export interface CaughtMail {
  messageId: string;
  notificationId: string;
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP server on loopback that keeps every mail it receives; can be stopped and restarted on its port. */
export class TestSmtp {
  readonly mails: CaughtMail[] = [];
  port = 0;
  private server?: SMTPServer;

  async start(port?: number): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((m) => {
            const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
            this.mails.push({ messageId: m.messageId ?? '', notificationId: String(m.headers.get('x-lma-notification-id') ?? ''), to, subject: m.subject ?? '', text: m.text ?? '' });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    this.port = port ?? (this.port || (await freePort()));
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A whole license as `lma.license.events` carries it (revision 1 unless overridden). */
export function newLicense(overrides: Partial<LicenseV1> = {}): LicenseV1 {
  return {
    licenseId: `lic_${Math.random().toString(36).slice(2, 12)}`,
    licenseName: `L-${String(Math.floor(Math.random() * 900_000) + 100_000)}`,
    packageId: ids.packageId(),
    packageVersionId: ids.packageVersionId(),
    versionNumber: '1.0.0',
    subscriberOrgId: ids.subscriberOrgId(),
    status: 'Active',
    seats: 10,
    usedLicenses: 1,
    expiresOn: null,
    installDate: '2026-01-01T00:00:00Z',
    orgEdition: 'Enterprise',
    orgStatus: 'Active',
    orgExpiresOn: null,
    instance: 'NA42',
    sandbox: false,
    leadId: null,
    accountId: null,
    contactId: null,
    revision: 1,
    ...overrides,
  };
}

/**
 * The notification service's settings in the notification specs: mails to the test's SMTP server,
 * time moved through `clockFile`, and scans, deliveries, retries and leases quick enough for a test.
 */
export function quickNotificationEnv(smtp: TestSmtp, clockFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    LMA_CLOCK_FILE: clockFile,
    NOTIFY_SCAN_INTERVAL_MS: '300',
    NOTIFY_DELIVERY_INTERVAL_MS: '100',
    NOTIFY_BACKOFF_INITIAL_MS: '150',
    NOTIFY_BACKOFF_MAX_MS: '600',
    NOTIFY_MAX_ATTEMPTS: '20',
    NOTIFY_LEASE_MS: '2000',
    ...extra,
  };
}
