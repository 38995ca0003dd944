import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Admin,
  type AclEntry,
  type Kafka,
} from 'kafkajs';
import { EVENTS, LICENSE_EVENTS_TOPIC, LMA_SERVICES, TOPICS, dlqTopic, topicConfigOf, type LmaService } from '@lma/contracts';
import { ensureTopics, topicNames } from './client';

/**
 * Who may do what on the broker, derived from one source: the contracts registry (who sends and
 * who receives every event type on which topic). Each service, the marketplace and vendor
 * systems have a principal (`User:<name>`); `admin` is a super user and provisions topics and
 * ACLs; nobody else may do anything (the broker allows nothing without an ACL).
 */
export type KafkaPrincipal = LmaService | 'marketplace' | 'vendor';
export const KAFKA_PRINCIPALS: readonly KafkaPrincipal[] = [...LMA_SERVICES, 'marketplace', 'vendor'];
/** The principal that creates topics and ACLs (a super user of the broker). */
export const KAFKA_ADMIN_PRINCIPAL = 'admin';

/** The topics (contract names, without a prefix) a principal writes and reads. */
export interface TopicAccess {
  write: string[];
  read: string[];
}

/**
 * Per principal: it writes exactly the topics it sends events on (the registry's senders), reads
 * the topics it receives events from, and a service writes the dead-letter topic of each topic it
 * consumes (its consumer moves a record it cannot handle there). Vendor systems read
 * `lma.license.events` and write nothing. Sorted, so the result is stable.
 */
export function topicAccess(): ReadonlyMap<KafkaPrincipal, TopicAccess> {
  const access = new Map<KafkaPrincipal, { write: Set<string>; read: Set<string> }>(KAFKA_PRINCIPALS.map((p) => [p, { write: new Set(), read: new Set() }]));
  const of = (p: string) => access.get(p as KafkaPrincipal);
  for (const def of EVENTS.values()) {
    for (const route of def.routes) {
      of(route.sender)?.write.add(route.topic);
      for (const r of route.receivers) {
        of(r)?.read.add(route.topic);
        if ((LMA_SERVICES as readonly string[]).includes(r)) of(r)?.write.add(dlqTopic(route.topic));
      }
    }
  }
  access.get('vendor')!.read.add(LICENSE_EVENTS_TOPIC);
  const sorted = (s: Set<string>) => [...s].sort();
  return new Map([...access].map(([p, a]) => [p, { write: sorted(a.write), read: sorted(a.read) }]));
}

/** Every topic the provisioning creates: the registry's, each with its dead-letter topic. */
export function provisionedTopics(): string[] {
  return [...TOPICS.keys()].flatMap((t) => [t, dlqTopic(t)]);
}

export interface AclScope {
  /** Prefix of every topic name ('' in production; a test run's own in tests). */
  topicPrefix?: string;
  /** Prefix of LMA's consumer group ids (KAFKA_GROUP_PREFIX, `lma` by default). */
  groupPrefix?: string;
}

export type AclOperation = 'READ' | 'WRITE' | 'DELETE';
export interface AclBinding {
  principal: string;
  resourceType: 'TOPIC' | 'GROUP';
  resourceName: string;
  patternType: 'LITERAL' | 'PREFIXED';
  operation: AclOperation;
}

/**
 * The consumer groups of a principal, as a name prefix: a service's are `<groupPrefix>.<service>`
 * and `<groupPrefix>.<service>.<purpose>` (libs/service groupId); the marketplace's and vendor
 * systems' are theirs to name under `marketplace.` and `vendor.` (after the topic prefix).
 */
export function groupPrefixOf(principal: KafkaPrincipal, scope: AclScope = {}): string {
  const { topicPrefix = '', groupPrefix = 'lma' } = scope;
  return (LMA_SERVICES as readonly string[]).includes(principal) ? `${groupPrefix}.${principal}` : `${topicPrefix}${principal}.`;
}

/**
 * The ACL bindings (all ALLOW, any host) that give every principal what `topicAccess` says, for
 * topics under `topicPrefix` and groups under `groupPrefix`: WRITE or READ on each topic (either
 * implies DESCRIBE), READ on its groups (join, fetch and commit offsets) and, for a service,
 * DELETE on them (a read model's group of its own is deleted when the process stops).
 */
export function aclBindings(scope: AclScope = {}): AclBinding[] {
  const { topicPrefix = '' } = scope;
  const bindings: AclBinding[] = [];
  for (const [principal, { write, read }] of topicAccess()) {
    const user = `User:${principal}`;
    const topic = (t: string, operation: AclOperation): AclBinding => ({ principal: user, resourceType: 'TOPIC', resourceName: `${topicPrefix}${t}`, patternType: 'LITERAL', operation });
    bindings.push(...write.map((t) => topic(t, 'WRITE')), ...read.map((t) => topic(t, 'READ')));
    const group = groupPrefixOf(principal, scope);
    const groupOps: AclOperation[] = (LMA_SERVICES as readonly string[]).includes(principal) ? ['READ', 'DELETE'] : ['READ'];
    bindings.push(...groupOps.map((operation): AclBinding => ({ principal: user, resourceType: 'GROUP', resourceName: group, patternType: 'PREFIXED', operation })));
  }
  return bindings;
}

const entryOf = (b: AclBinding): AclEntry => ({
  principal: b.principal,
  host: '*',
  operation: AclOperationTypes[b.operation],
  permissionType: AclPermissionTypes.ALLOW,
  resourceType: AclResourceTypes[b.resourceType],
  resourceName: b.resourceName,
  resourcePatternType: ResourcePatternTypes[b.patternType],
});

const keyOf = (b: Pick<AclEntry, 'principal' | 'operation' | 'permissionType' | 'resourceType' | 'resourceName' | 'resourcePatternType' | 'host'>) =>
  [b.principal, b.host, b.operation, b.permissionType, b.resourceType, b.resourceName, b.resourcePatternType].join('|');

export interface ProvisionOptions extends AclScope {
  /** Partitions of a topic created now (existing topics keep theirs). */
  partitions?: number;
  /** Create the ACLs too (a broker with an authorizer); false on an unsecured broker. */
  acls?: boolean;
}

export interface ProvisionResult {
  topics: string[];
  created: AclBinding[];
  removed: number;
}

/**
 * What the admin does before the services start (`npm start`, the test harness, the Kubernetes
 * Job): creates every topic of the registry and its dead-letter topic with their configuration,
 * then the ACLs of `aclBindings`, and removes ACLs the registry no longer implies on exactly these
 * topics (other topics and prefixes are left alone: test runs share the broker). Idempotent.
 */
export async function provisionKafka(kafka: Kafka, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const topicPrefix = opts.topicPrefix ?? '';
  const topics = provisionedTopics();
  await ensureTopics(kafka, topics.map((topic) => ({ topic, config: topicConfigOf(topic) })), opts.partitions ?? 6, topicNames(topicPrefix));
  if (opts.acls === false) return { topics, created: [], removed: 0 };
  const bindings = aclBindings(opts);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = new Set(bindings.map((b) => keyOf(entryOf(b))));
    const ours = new Set(topics.map((t) => `${topicPrefix}${t}`));
    const present = await describeAllAcls(admin);
    const stale = present.filter(
      (e) => e.resourceType === AclResourceTypes.TOPIC && e.resourcePatternType === ResourcePatternTypes.LITERAL && ours.has(e.resourceName) && !wanted.has(keyOf(e)),
    );
    const presentKeys = new Set(present.map(keyOf));
    const missing = bindings.filter((b) => !presentKeys.has(keyOf(entryOf(b))));
    if (missing.length) await admin.createAcls({ acl: missing.map(entryOf) });
    if (stale.length) await admin.deleteAcls({ filters: stale.map(({ resourceName, ...e }) => ({ ...e, resourceName })) });
    return { topics, created: missing, removed: stale.length };
  } finally {
    await admin.disconnect();
  }
}

/** Removes the ACLs `provisionKafka` created for this scope (a test run's, when it ends). */
export async function removeAcls(kafka: Kafka, scope: AclScope = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteAcls({ filters: aclBindings(scope).map(entryOf) });
  } finally {
    await admin.disconnect();
  }
}

async function describeAllAcls(admin: Admin): Promise<AclEntry[]> {
  const res = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return res.resources.flatMap((r) => r.acls.map((a) => ({ ...a, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType })));
}

/**
 * The ACL table of `aclBindings` as Markdown (docs/security.md, kept equal by a unit test): one
 * row per principal; the dead-letter topics a service writes (those of what it reads) are left
 * out of the table and said once under it.
 */
export function aclTable(scope: AclScope = {}): string {
  const rows = [...topicAccess()].map(([p, a]) => {
    const list = (l: string[]) => (l.length ? l.map((t) => `\`${t}\``).join(', ') : 'nothing');
    return `| \`${p}\` | ${list(a.write.filter((t) => !t.endsWith('.dlq')))} | ${list(a.read)} | \`${groupPrefixOf(p, scope)}*\` |`;
  });
  return [
    '| principal | writes | reads | consumer groups |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Each service also writes `<topic>.dlq` for every topic it reads (its consumer dead-letters there what it cannot handle).',
  ].join('\n');
}
