import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  LICENSE_EVENTS_TOPIC,
  LicenseV1,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  encodeCloudEvent,
  type PackageInstalledV1,
} from '@lma/contracts';
import path from 'node:path';
import { readDemoCredentials, signIn } from '@lma/idp';
import { createUninstallRule, uninstallAndShowMail } from './notifications';
import { demoRefresh } from './refresh';
import { API } from './api';
import { kafkaAuthOf } from './kafkaAuth';

/**
 * Plays the marketplace for a moment: registers a package, uploads a version and installs it
 * in a few orgs (one a sandbox), then waits for LMA's `lma.license.created` events and prints
 * the licenses, read back through the authenticated API.
 */
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through scripts/lma.sh run)`);
  return v;
};

const alnum = (n: number) => Array.from(randomBytes(n), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 32]).join('');
const INSTALLS = Number(process.env['DEMO_INSTALLS'] ?? 5);

async function main() {
  // the marketplace publishes, a vendor system reads the license events: each with its own principal
  const client = (principal: 'marketplace' | 'vendor') =>
    new Kafka({ clientId: `lma-demo-${principal}`, brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING, ...kafkaAuthOf(principal) });
  const producer = client('marketplace').producer();
  await producer.connect();
  const send = async (type: string, key: string, data: object) =>
    producer.send({
      topic: MARKETPLACE_EVENTS_TOPIC,
      messages: [encodeCloudEvent({ id: randomUUID(), source: 'marketplace/demo', type, time: new Date().toISOString(), key, data })],
    });

  const packageId = `033${alnum(15)}`;
  const packageVersionId = `04t${alnum(15)}`;
  const companies = ['Analytical Engines', 'Difference Ltd', 'Babbage & Co', 'Jacquard Looms', 'Hollerith Tabulating', 'Zuse KG'];
  const installs: PackageInstalledV1[] = Array.from({ length: INSTALLS }, (_, i) => {
    const company = companies[i % companies.length]!;
    return {
      packageId,
      packageVersionId,
      versionNumber: '1.0.0',
      subscriberOrgId: `00D${alnum(12)}`,
      installedAt: new Date().toISOString(),
      installer: { firstName: 'Demo', lastName: `User${i + 1}`, email: `demo${i + 1}@${company.split(' ')[0]!.toLowerCase()}.example`, company },
      org: { name: company, edition: 'Enterprise', status: i === 0 ? 'Trial' : 'Active', instance: 'NA42', sandbox: i === 1, ...(i === 0 ? { trialExpiresOn: '2027-01-31' } : {}) },
    };
  });

  const consumer = client('vendor').consumer({ groupId: `vendor.lma-demo-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: LICENSE_EVENTS_TOPIC, fromBeginning: false });
  const seen = new Map<string, LicenseV1>();
  const started = Date.now();
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  let assigned!: () => void;
  const ready = new Promise<void>((r) => (assigned = r));
  consumer.on(consumer.events.GROUP_JOIN, () => assigned());
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value || message.key?.toString().startsWith(packageId) !== true) return;
      const license = LicenseV1.parse(JSON.parse(message.value.toString()));
      if (!seen.has(license.subscriberOrgId)) {
        latencies.push(Date.now() - (sentAt.get(license.subscriberOrgId) ?? started));
        seen.set(license.subscriberOrgId, license);
      }
    },
  });
  await ready;

  // signed in as the admin demo user through the local identity provider (code + PKCE), as a person would
  const usersFile = process.env['IDP_USERS_FILE'] ?? path.resolve(__dirname, '../../../.local/secrets/idp-users.env');
  const admin = readDemoCredentials(usersFile).ADMIN;
  const { accessToken: token, expiresIn } = await signIn({ issuer: env('OIDC_ISSUER'), redirectUri: `${API.replace(/\/api\/v1$/, '')}/`, ...admin });
  console.log(`signed in as ${admin.email} at ${env('OIDC_ISSUER')} (authorization code + PKCE); access token valid ${Math.round(expiresIn / 60)} min`);
  await createUninstallRule(packageId, token);
  console.log(`marketplace: registering package ${packageId} (defaults: Trial, 30 days, 10 seats)`);
  await send(MarketplaceEventType.PackageRegistered, packageId, {
    packageId,
    packageName: 'LMA Demo App',
    developerName: 'Demo ISV',
    developerOrgId: `00D${alnum(15)}`,
    registeredAt: new Date().toISOString(),
    defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 },
  });
  await send(MarketplaceEventType.PackageVersionUploaded, packageId, {
    packageId,
    packageVersionId,
    versionName: 'First release',
    versionNumber: '1.0.0',
    beta: false,
    releasedAt: new Date().toISOString(),
  });
  for (const i of installs) {
    sentAt.set(i.subscriberOrgId, Date.now());
    await send(MarketplaceEventType.PackageInstalled, `${packageId}:${i.subscriberOrgId}`, i);
  }
  console.log(`marketplace: published ${installs.length} installs; waiting for lma.license.created ...`);

  const deadline = Date.now() + 60_000;
  while (seen.size < installs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  await producer.disconnect();
  if (seen.size < installs.length) throw new Error(`only ${seen.size} of ${installs.length} licenses arrived within 60 s`);

  console.log(`\n${'license'.padEnd(10)}${'org'.padEnd(17)}${'company'.padEnd(22)}${'status'.padEnd(8)}${'seats'.padEnd(7)}expires`);
  for (const i of installs) {
    const l = seen.get(i.subscriberOrgId)!;
    console.log(`${l.licenseName.padEnd(10)}${l.subscriberOrgId.padEnd(17)}${i.installer.company.padEnd(22)}${l.status.padEnd(8)}${String(l.seats ?? 'site').padEnd(7)}${l.expiresOn ?? 'never'}`);
  }
  console.log(`\ninstall -> lma.license.created: max ${Math.max(...latencies)} ms`);

  const first = installs[0]!;
  const url = `${API}/licenses?packageId=${packageId}&subscriberOrgId=${first.subscriberOrgId}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  console.log(`\nGET ${url} -> ${res.status}`);
  console.log(JSON.stringify(await res.json(), null, 2));
  console.log(`\nTry it yourself (the admin's token, valid ${Math.round(expiresIn / 60)} min from sign-in):\n  curl -H "authorization: Bearer ${token}" '${url}'`);
  const last = installs[installs.length - 1]!;
  await producer.connect();
  await uninstallAndShowMail(send, packageId, last.subscriberOrgId, seen.get(last.subscriberOrgId)!.licenseName);
  await producer.disconnect();
  await demoRefresh(token);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
