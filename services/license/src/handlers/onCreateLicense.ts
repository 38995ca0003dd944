import { CreateLicenseV1, InternalSource, InternalTopic, ReplyType, installationKey, parseData, type CloudEvent, type LicenseCreatedReplyV1, type LicenseCreationFailedV1, type LicenseCreationParkedV1, type PackageInstalledV1, type ParkReason, traceContext, type TraceContext } from '@lma/contracts';
import { isDuplicateKey, type Clock } from '@lma/core';
import type { DocumentLocks, OutgoingEvent, Publisher } from '@lma/kafka';
import { licenseIdFor, newLicense } from '../domain/license';
import { decideReinstall } from '../domain/lifecycle';
import { applyPendingChanges, loadLicense, writeDecision } from '../infra/licenseChanges';
import { nameLicense } from '../infra/licenseNames';
import type { Models } from '../infra/models';

export interface CreateLicenseDeps {
  models: Models;
  publisher: Publisher;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
}

/** Looked up by `_id` alone (the lookup every MongoDB-compatible store indexes), then checked. */
const versionKnown = async (m: Models, install: PackageInstalledV1): Promise<boolean> =>
  (await m.PackageVersion.findById(install.packageVersionId, { packageId: 1 }).lean())?.packageId === install.packageId;

/**
 * Saga step "create the license": from the package's defaults, one license per package and
 * org. A redelivered or re-sent command finds the license and answers again; nothing new.
 * The same command for an uninstalled license is a reinstall. Changes that arrived before the
 * license existed are applied right after it is named.
 */
export function onCreateLicense(deps: CreateLicenseDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(CreateLicenseV1, event.data);
    const { install } = cmd;
    const now = deps.clock.now();
    const trace = traceContext(event);
    const key = installationKey(install.packageId, install.subscriberOrgId);
    const replyEvent = (type: string, data: object): OutgoingEvent => ({
      topic: InternalTopic.SagaReplies,
      id: `${cmd.commandId}:${type}`,
      source: InternalSource.License,
      type,
      time: now.toISOString(),
      key,
      data,
      ...trace });
    const reply = async (type: string, data: object) => deps.publisher.publish([replyEvent(type, data)]);
    const park = async (reason: ParkReason, detail: string) =>
      reply(ReplyType.LicenseCreationParked, { sagaId: cmd.sagaId, commandId: cmd.commandId, reason, detail } satisfies LicenseCreationParkedV1);
    const versionNotUploaded = () =>
      park('version-not-uploaded', `version ${install.versionNumber} (${install.packageVersionId}) of package ${install.packageId} has not been uploaded yet`);

    const licenseId = licenseIdFor(install.packageId, install.subscriberOrgId);
    const existing = await deps.models.License.findById(licenseId, { licenseNumber: 1, licenseName: 1, createdFor: 1 }).lean();
    if (existing?.licenseName) {
      // with the same command id, its reply is in the license's outbox already
      if (existing.createdFor?.commandId !== cmd.commandId) {
        const outcome = await reinstallOrConfirm(deps, cmd, licenseId, replyEvent, now, trace);
        if (outcome === 'version-not-uploaded') await versionNotUploaded();
        else if (outcome === 'deleted') {
          await reply(ReplyType.LicenseCreationFailed, {
            sagaId: cmd.sagaId,
            commandId: cmd.commandId,
            reason: `license ${existing.licenseName} was deleted with its subscriber org` } satisfies LicenseCreationFailedV1);
        }
      }
      await applyPendingChanges(deps, licenseId, now, trace);
      deps.kick();
      return;
    }

    if (!existing) {
      const [pkg, known] = await Promise.all([deps.models.Package.findById(install.packageId).lean(), versionKnown(deps.models, install)]);
      if (!pkg) {
        await park('package-not-registered', `package ${install.packageId} has not been registered yet`);
        return;
      }
      if (!known) {
        await versionNotUploaded();
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
    await applyPendingChanges(deps, licenseId, now, trace);
    deps.kick();
  };
}

/**
 * Another install for an existing license: an uninstalled one is reinstalled, and the reply
 * (LicenseCreated, existing) goes in the same write as `lma.license.reinstalled`; otherwise the
 * reply is sent as it is. The command id is kept as applied, so the same command reinstalls once.
 */
async function reinstallOrConfirm(
  deps: CreateLicenseDeps,
  cmd: CreateLicenseV1,
  licenseId: string,
  replyEvent: (type: string, data: object) => OutgoingEvent,
  now: Date,
  trace: TraceContext,
): Promise<'done' | 'version-not-uploaded' | 'deleted'> {
  const { install } = cmd;
  const [pkg, known] = await Promise.all([deps.models.Package.findById(install.packageId).lean(), versionKnown(deps.models, install)]);
  const confirm = await deps.locks.run(licenseId, async () => {
    const l = await loadLicense(deps.models, licenseId);
    if (!l?.licenseName) throw new Error(`license ${licenseId} vanished`);
    if (l.deletedAt) return 'deleted';
    const reply = replyEvent(ReplyType.LicenseCreated, {
      sagaId: cmd.sagaId,
      commandId: cmd.commandId,
      licenseId,
      licenseName: l.licenseName,
      existing: true } satisfies LicenseCreatedReplyV1);
    const d = pkg ? decideReinstall(l, cmd, { defaultLicense: pkg.defaultLicense, sandboxSiteLicense: pkg.sandboxSiteLicense }) : null;
    if (!d) return reply;
    if (d.event && !known) return 'version-not-uploaded';
    if (d.event) await deps.models.SeatAssignment.deleteMany({ licenseId });
    await writeDecision(deps.models, l, d, cmd.commandId, now, trace, [reply]);
    return 'done';
  });
  if (typeof confirm === 'string') return confirm;
  await deps.publisher.publish([confirm]);
  return 'done';
}
