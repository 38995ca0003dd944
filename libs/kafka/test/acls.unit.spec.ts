import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, InternalTopic, LICENSE_EVENTS_TOPIC, LMA_SERVICES, MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, TOPICS, dlqTopic } from '@lma/contracts';
import { aclBindings, aclTable, groupPrefixOf, provisionedTopics, topicAccess } from '../src/acls';

const access = topicAccess();
const writers = (topic: string) => [...access].filter(([, a]) => a.write.includes(topic)).map(([p]) => p);

describe('ACLs from the contracts registry', () => {
  it('given the registry, when access is derived, then nobody but a topic\'s senders writes it', () => {
    for (const topic of TOPICS.keys()) {
      const senders = new Set([...EVENTS.values()].flatMap((d) => d.routes.filter((r) => r.topic === topic).map((r) => r.sender)));
      expect({ topic, writers: writers(topic).sort() }).toEqual({ topic, writers: [...senders].sort() });
    }
  });

  it('only install-intake writes commands; only lead and license write saga replies; the marketplace writes marketplace.events alone', () => {
    expect(writers(InternalTopic.LicenseCommands)).toEqual(['install-intake']);
    expect(writers(InternalTopic.LeadCommands)).toEqual(['install-intake']);
    expect(writers(InternalTopic.SagaReplies).sort()).toEqual(['lead', 'license']);
    expect(writers(LICENSE_EVENTS_TOPIC)).toEqual(['license']);
    expect(access.get('marketplace')).toEqual({ write: [MARKETPLACE_EVENTS_TOPIC], read: [MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC] });
    expect(access.get('vendor')).toEqual({ write: [], read: [LICENSE_EVENTS_TOPIC] });
  });

  it('a service writes the dead-letter topic of every topic it reads, and no other', () => {
    for (const service of LMA_SERVICES) {
      const a = access.get(service)!;
      expect(a.write.filter((t) => t.endsWith('.dlq')).sort()).toEqual(a.read.map(dlqTopic).sort());
    }
  });

  it('given a topic and group prefix, when bindings are made, then topics are literal under the topic prefix and groups prefixed per principal', () => {
    const scope = { topicPrefix: 't1.', groupPrefix: 't1' };
    const b = aclBindings(scope);
    expect(b.filter((x) => x.resourceType === 'TOPIC').every((x) => x.patternType === 'LITERAL' && x.resourceName.startsWith('t1.'))).toBe(true);
    expect(b).toContainEqual({ principal: 'User:license', resourceType: 'GROUP', resourceName: 't1.license', patternType: 'PREFIXED', operation: 'READ' });
    expect(b).toContainEqual({ principal: 'User:vendor', resourceType: 'GROUP', resourceName: 't1.vendor.', patternType: 'PREFIXED', operation: 'READ' });
    expect(b.filter((x) => x.principal === 'User:vendor' && x.operation !== 'READ')).toEqual([]);
    expect(groupPrefixOf('install-intake')).toBe('lma.install-intake');
    expect(groupPrefixOf('marketplace')).toBe('marketplace.');
  });

  it('provisions every registry topic with its dead-letter topic, and the table names every principal', () => {
    expect(provisionedTopics()).toHaveLength(TOPICS.size * 2);
    const table = aclTable();
    for (const p of [...LMA_SERVICES, 'marketplace', 'vendor']) expect(table).toContain(`| \`${p}\` |`);
  });

  it('docs/security.md shows the ACL table as the registry makes it (npm run build, then node libs/kafka/dist/provision-main.js --table)', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/security.md'), 'utf8');
    expect(doc).toContain(aclTable());
  });
});
