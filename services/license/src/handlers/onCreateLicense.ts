import {
  CreateLicenseV1,
  InternalSource,
  InternalTopic,
  ReplyType,
  installationKey,
  parseData,
  type CloudEvent,
  type LicenseCreatedReplyV1,
  type LicenseCreationParkedV1,
} from '@lma/contracts';
import { isDuplicateKey, type Clock } from '@lma/core';
import type { DocumentLocks, Publisher } from '@lma/kafka';
import { licenseIdFor, newLicense } from '../domain/license';
import { nameLicense } from '../infra/licenseNames';
import type { Models } from '../infra/models';

export interface CreateLicenseDeps {
  models: Models;
  publisher: Publisher;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
}

/**
 * Saga step "create the license": from the package's defaults, one license per package and
 * org. A redelivered or re-sent command finds the license and answers again; nothing new.
 */
export function onCreateLicense(deps: CreateLicenseDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(CreateLicenseV1, event.data);
    const { install } = cmd;
    const now = deps.clock.now();
    const trace = event.traceparent ? { traceparent: event.traceparent } : {};
    const key = installationKey(install.packageId, install.subscriberOrgId);
    const reply = async (type: string, data: object) =>
      deps.publisher.publish([
        { topic: InternalTopic.SagaReplies, id: `${cmd.commandId}:reply`, source: InternalSource.License, type, time: now.toISOString(), key, data, ...trace },
      ]);

    const licenseId = licenseIdFor(install.packageId, install.subscriberOrgId);
    const existing = await deps.models.License.findById(licenseId, { licenseNumber: 1, licenseName: 1, createdFor: 1 }).lean();
    if (existing?.licenseName) {
      if (existing.createdFor?.commandId === cmd.commandId) return; // its reply is in the license's outbox
      await reply(ReplyType.LicenseCreated, {
        sagaId: cmd.sagaId,
        commandId: cmd.commandId,
        licenseId,
        licenseName: existing.licenseName,
        existing: true,
      } satisfies LicenseCreatedReplyV1);
      return;
    }

    if (!existing) {
      const pkg = await deps.models.Package.findById(install.packageId).lean();
      if (!pkg) {
        await reply(ReplyType.LicenseCreationParked, {
          sagaId: cmd.sagaId,
          commandId: cmd.commandId,
          reason: 'package-not-registered',
          detail: `package ${install.packageId} has not been registered yet`,
        } satisfies LicenseCreationParkedV1);
        return;
      }
      const license = newLicense(
        { defaultLicense: pkg.defaultLicense, sandboxSiteLicense: pkg.sandboxSiteLicense },
        install,
        { leadId: cmd.leadId, contactId: cmd.contactId },
        { sagaId: cmd.sagaId, commandId: cmd.commandId },
        now,
      );
      try {
        await deps.models.License.create({ ...license, outbox: [] });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    await nameLicense(deps.models, deps.locks, licenseId, now, trace);
    deps.kick();
  };
}
