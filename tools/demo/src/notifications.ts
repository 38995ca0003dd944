import { API } from './api';
import { MarketplaceEventType } from '@lma/contracts';

/**
 * The notification part of the demo: an uninstall rule for the demo package (before the
 * installs), then one demo org uninstalls and the alert lands in the mail catcher.
 */
const MAILCATCHER = process.env['MAILCATCHER_URL'] ?? 'http://127.0.0.1:1080';

export async function createUninstallRule(packageId: string, token: string): Promise<void> {
  const res = await fetch(`${API}/notification-rules`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'license-uninstalled',
      name: 'Demo: uninstalls to retention',
      packageId,
      recipients: { emails: ['retention@demo-isv.example'] },
      subject: '{{licenseName}} was uninstalled by {{company}}',
      body: 'License {{licenseName}} of package {{packageId}} was uninstalled by org {{subscriberOrgId}} ({{company}}).\nSeats: {{seats}}\n{{licenseUrl}}',
    }),
  });
  if (res.status !== 201) throw new Error(`creating the notification rule failed: ${res.status} ${await res.text()}`);
  console.log('notification: rule "uninstalls to retention" created for the demo package');
}

export async function uninstallAndShowMail(
  send: (type: string, key: string, data: object) => Promise<unknown>,
  packageId: string,
  subscriberOrgId: string,
  licenseName: string,
): Promise<void> {
  console.log(`\nmarketplace: org ${subscriberOrgId} uninstalls the package; waiting for the alert in the mail catcher ...`);
  await send(MarketplaceEventType.PackageUninstalled, `${packageId}:${subscriberOrgId}`, { packageId, subscriberOrgId, uninstalledAt: new Date().toISOString() });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${MAILCATCHER}/messages`).catch(() => undefined);
    const body = res?.ok ? ((await res.json()) as { items: { subject: string; to: string[]; text: string }[] }) : { items: [] };
    const mail = body.items.find((m) => m.subject.startsWith(`${licenseName} was uninstalled`));
    if (mail) {
      console.log(`mail to ${mail.to.join(', ')}: "${mail.subject}"\n${mail.text.replace(/^/gm, '  | ')}`);
      console.log(`\nSee it in the browser: ${MAILCATCHER}  (history: GET ${API}/notifications?packageId=${packageId})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`no alert in the mail catcher within 30 s: see .local/logs/notification.log and ${MAILCATCHER}`);
}
