import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { LicenseV1 } from '@lma/contracts';
import { eventually, freePort, ids, type Db, type ServiceProcess } from '@lma/testing';

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

/** Scans the notification service process has run so far (its `lma_notification_scans_total`). */
export async function scansOf(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.metricsUrl}/metrics`)).text();
  return Number(/^lma_notification_scans_total (\d+(?:\.\d+)?)/m.exec(text)?.[1] ?? NaN);
}

/**
 * Waits until the processes together have finished `n` more scans than now (replicas take turns:
 * one scans at a time): what a scan would raise from the state as it is now has been raised (a scan
 * under way may have read the state before the change, hence at least two for "a whole scan after").
 */
export async function scansPassed(services: ServiceProcess[], n = 2): Promise<void> {
  const total = async () => (await Promise.all(services.map(scansOf))).reduce((a, b) => a + b, 0);
  const from = await total();
  await eventually(`${n} more scans`, async () => (await total()) >= from + n, 30_000, 50);
}

/** Waits until none of these notifications awaits a delivery attempt: nothing more will be sent for them. */
export async function nothingPending(db: Db, notificationIds: string[]): Promise<void> {
  await eventually('no delivery pending', async () => (await db.collection('pending_deliveries').countDocuments({ notificationId: { $in: notificationIds } })) === 0, 30_000, 50);
}
