import { InternalTopic, InvalidEventError, MarketplaceEventType, installationKey, marketplaceDataSchemas, parseData, type CloudEvent, type InboundMarketplaceType, type PackageInstalledV1, traceContext, type TraceContext } from '@lma/contracts';
import { isDuplicateKey, type Clock } from '@lma/core';
import { outboxOnInsert, type OutgoingEvent } from '@lma/kafka';
import { startOnboarding } from '../domain/onboarding';
import type { Models } from '../infra/models';
import { commandEvent } from '../infra/sagaStore';

export interface IntakeDeps {
  models: Models;
  clock: Clock;
  kick: () => void;
}

const isInbound = (t: string): t is InboundMarketplaceType => Object.hasOwn(marketplaceDataSchemas, t);

/**
 * Validates a `marketplace.events` record, records it once by ce_id and forwards it, same id
 * and data, to `lma.marketplace.accepted`; an install also starts its onboarding saga.
 * Invalid records throw InvalidEventError: the consumer dead-letters them with the reason.
 */
export function onMarketplaceEvent(deps: IntakeDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (!isInbound(event.type)) throw new InvalidEventError('header ce_type', `unknown event type ${JSON.stringify(event.type)}`);
    // answers to a refresh's snapshot request: the refresh service consumes them, they are no installs
    if (event.type === MarketplaceEventType.SnapshotPage) return;
    const data = parseData(marketplaceDataSchemas[event.type], event.data) as Record<string, unknown>;
    const now = deps.clock.now();
    const trace = traceContext(event);

    if (event.type === MarketplaceEventType.PackageInstalled) {
      await startSaga(deps, event.id, data as PackageInstalledV1, now, trace);
    }
    const accepted: OutgoingEvent = {
      topic: InternalTopic.MarketplaceAccepted,
      id: event.id,
      source: event.source,
      type: event.type,
      time: event.time,
      key: event.key ?? keyOf(data),
      data,
      ...trace };
    try {
      await deps.models.InboundEvent.create({
        _id: event.id,
        type: event.type,
        source: event.source,
        key: accepted.key,
        time: event.time,
        receivedAt: now,
        data: JSON.stringify(data),
        ...outboxOnInsert([accepted], now) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a redelivery: recorded and forwarded already
    }
    deps.kick();
  };
}

function keyOf(data: Record<string, unknown>): string {
  const pkg = typeof data['packageId'] === 'string' ? data['packageId'] : undefined;
  const org = typeof data['subscriberOrgId'] === 'string' ? data['subscriberOrgId'] : undefined;
  if (pkg && org) return installationKey(pkg, org);
  return pkg ?? org ?? '';
}

async function startSaga(deps: IntakeDeps, installEventId: string, install: PackageInstalledV1, now: Date, trace: TraceContext): Promise<void> {
  const { saga, command } = startOnboarding(installEventId, install, now);
  try {
    await deps.models.Onboarding.create({ ...saga, ...trace, ...outboxOnInsert([commandEvent(saga, command, now, trace)], now) });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err; // the same install again: one saga only
  }
}
