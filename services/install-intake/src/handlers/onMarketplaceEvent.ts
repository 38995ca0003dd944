import { InternalTopic, InvalidEventError, MarketplaceEventType, installationKey, marketplaceDataSchemas, parseData, type CloudEvent, type InboundMarketplaceType, type PackageInstalledV1, traceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import type { OutgoingEvent } from '@lma/kafka';
import type { Aggregates } from '@lma/store';
import { startOnboarding } from '../domain/onboarding';
import type { InboundEvent } from '../infra/models';
import type { SagaStore } from '../infra/sagaStore';

export interface IntakeDeps {
  sagas: SagaStore;
  inbound: Aggregates<InboundEvent>;
  clock: Clock;
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
      const { saga, command } = startOnboarding(event.id, data as PackageInstalledV1, now);
      await deps.sagas.start(saga, command, now, trace); // the same install again: one saga only
    }
    const key = event.key ?? keyOf(data);
    // the marketplace's own event (its id, type, source and dataschema) passed on to LMA's topic:
    // a forward (the type's second route in the registry), not an event LMA builds with eventOf
    const { id, source, type, time, dataschema } = event;
    const accepted: OutgoingEvent = { topic: InternalTopic.MarketplaceAccepted, id, source, type, time, ...(dataschema ? { dataschema } : {}), key, data, ...trace };
    // a redelivery writes nothing: recorded and forwarded already
    await deps.inbound.insertOnce({ _id: event.id, type: event.type, source: event.source, key, time: event.time, receivedAt: now, data: JSON.stringify(data) }, [accepted]);
  };
}

function keyOf(data: Record<string, unknown>): string {
  const pkg = typeof data['packageId'] === 'string' ? data['packageId'] : undefined;
  const org = typeof data['subscriberOrgId'] === 'string' ? data['subscriberOrgId'] : undefined;
  if (pkg && org) return installationKey(pkg, org);
  return pkg ?? org ?? '';
}
