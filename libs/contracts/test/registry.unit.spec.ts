import { describe, expect, it } from 'vitest';
import {
  CommandType,
  EVENTS,
  InternalTopic,
  LICENSE_EVENTS_TOPIC,
  LeadEventType,
  LicenseEventType,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  NotificationInputType,
  PackageUpgradedV1,
  RecordKeys,
  RefreshCommandType,
  RefreshReplyType,
  ReplyType,
  TOPICS,
  dataschemaOf,
  deadLettersOn,
  decodeCloudEvent,
  encodeCloudEvent,
  eventOf,
  examplePackageInstalled,
  topicConfigOf,
  LMA_SERVICES,
} from '../src';

const constants = [LicenseEventType, MarketplaceEventType, CommandType, ReplyType, LeadEventType, NotificationInputType, RefreshCommandType, RefreshReplyType];

describe('the contracts registry', () => {
  it('given every event type constant, when looked up, then each has exactly one definition and nothing else is defined', () => {
    const declared = constants.flatMap((c) => Object.values(c) as string[]);
    expect(new Set(declared).size).toBe(declared.length);
    expect([...EVENTS.keys()].sort()).toEqual([...declared].sort());
  });

  it('given every definition, when its routes are read, then each topic is a registered topic and LMA names its source wherever it builds the event', () => {
    for (const d of EVENTS.values()) {
      expect(d.routes.length, d.type).toBeGreaterThan(0);
      for (const r of d.routes) expect(TOPICS.has(r.topic), `${d.type} on ${r.topic}`).toBe(true);
      const first = d.routes[0]!;
      expect(first.sender === 'marketplace' ? first.source : typeof first.source, d.type).toBe(first.sender === 'marketplace' ? undefined : 'string');
      expect(RecordKeys[d.key], d.type).toBeDefined();
    }
  });

  it('given an unreadable record on any topic, when each LMA service asks, then exactly one dead-letters it (by its type, else the topic)', () => {
    for (const t of TOPICS.values()) {
      const types = [...EVENTS.values()].filter((d) => d.routes.some((r) => r.topic === t.topic)).map((d) => d.type);
      for (const type of [...types, undefined, 'made.up.type']) {
        const owners = LMA_SERVICES.filter((s) => deadLettersOn(s, t.topic, type));
        // a topic only the marketplace reads is not LMA's to dead-letter
        expect(owners, `${t.topic} ${type ?? '(no type)'}`).toHaveLength(t.deadLetteredBy === 'marketplace' ? 0 : 1);
      }
    }
    expect(deadLettersOn('refresh', MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType.SnapshotPage)).toBe(true);
    expect(deadLettersOn('install-intake', MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType.SnapshotPage)).toBe(false);
    expect(deadLettersOn('install-intake', MARKETPLACE_EVENTS_TOPIC, undefined)).toBe(true);
    expect(deadLettersOn('notification', LICENSE_EVENTS_TOPIC, LicenseEventType.Created)).toBe(false);
    expect(deadLettersOn('lead', 'a.topic.the.registry.does.not.know')).toBe(true);
  });

  it('given the license events, when read, then they travel on lma.license.events from lma/license with the contract key and the LicenseV1 schema', () => {
    for (const type of Object.values(LicenseEventType)) {
      const d = EVENTS.get(type)!;
      expect(d.routes[0]).toMatchObject({ topic: LICENSE_EVENTS_TOPIC, sender: 'license', source: 'lma/license' });
      expect(d.key).toBe('installation');
      expect(d.data.name).toBe('LicenseV1');
    }
    expect(RecordKeys.installation.format).toBe('<packageId>:<subscriberOrgId>');
    expect(new RegExp(RecordKeys.installation.pattern).test(`${examplePackageInstalled.packageId}:${examplePackageInstalled.subscriberOrgId}`)).toBe(true);
  });

  it('given an inbound marketplace event, when read, then the marketplace sends it and install-intake passes it on to lma.marketplace.accepted', () => {
    const d = EVENTS.get(MarketplaceEventType.PackageUpgraded)!;
    expect(d.routes.map((r) => [r.topic, r.sender])).toEqual([
      [MARKETPLACE_EVENTS_TOPIC, 'marketplace'],
      [InternalTopic.MarketplaceAccepted, 'install-intake'],
    ]);
    expect(d.data.schema).toBe(PackageUpgradedV1);
  });

  it('given lma.license.events, when its configuration is read, then it is compacted and keeps a week of changes uncompacted', () => {
    expect(topicConfigOf(LICENSE_EVENTS_TOPIC)).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '604800000', 'segment.ms': '86400000' });
    expect(topicConfigOf(InternalTopic.SagaReplies)).toEqual({});
    expect(topicConfigOf(`${LICENSE_EVENTS_TOPIC}.dlq`)).toEqual({});
  });
});

describe('eventOf', () => {
  const opts = { id: 'lic_1:3', key: 'k', time: new Date('2026-03-01T00:00:00Z') };

  it('given a type LMA publishes, when built, then topic, source and ce_dataschema come from the registry', () => {
    const e = eventOf(LicenseEventType.Modified, { revision: 3 }, opts);
    expect(e).toMatchObject({ topic: LICENSE_EVENTS_TOPIC, source: 'lma/license', type: LicenseEventType.Modified, time: '2026-03-01T00:00:00.000Z' });
    expect(e.dataschema).toBe('urn:lma:schema:lma.license.modified:v1');
    expect(encodeCloudEvent(e).headers['ce_dataschema']).toBe(e.dataschema);
    expect(decodeCloudEvent(encodeCloudEvent(e)).dataschema).toBe(e.dataschema);
  });

  it('given every type LMA publishes, when built, then its dataschema names its type and version, and differs from every other type', () => {
    const schemas = [...EVENTS.values()].filter((d) => d.routes[0]!.sender !== 'marketplace').map((d) => eventOf(d.type, {}, opts).dataschema);
    expect(new Set(schemas).size).toBe(schemas.length);
    expect(dataschemaOf(EVENTS.get(CommandType.CreateLicense)!)).toBe('urn:lma:schema:lma.command.license.create:v1');
    for (const s of schemas) expect(() => new URL(s!)).not.toThrow();
  });

  it('given a type the marketplace publishes or an unknown one, when built, then it is refused', () => {
    expect(() => eventOf(MarketplaceEventType.PackageInstalled, examplePackageInstalled, opts)).toThrow(/not one LMA publishes/);
    expect(() => eventOf('lma.license.renamed', {}, opts)).toThrow(/not one LMA publishes/);
  });
});
