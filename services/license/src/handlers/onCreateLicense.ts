import {
  CreateLicenseV1,
  ReplyType,
  eventOf,
  installationKey,
  parseData,
  traceContext,
  type CloudEvent,
  type LicenseCreatedReplyV1,
  type LicenseCreationFailedV1,
  type LicenseCreationParkedV1,
  type ParkReason,
  type TopicEvent,
  type TraceContext,
} from '@lma/contracts';
import type { Clock } from '@lma/core';
import { licenseIdFor, newLicense, type License } from '../domain/license';
import { decideReinstall } from '../domain/lifecycle';
import { ABSENT, answerCommand, applyPendingChanges, decideOn, listLicense, writeLicense, type ChangeDeps } from '../infra/licenseChanges';
import type { LicenseNamer } from '../infra/licenseNames';

export interface CreateLicenseDeps extends ChangeDeps {
  namer: LicenseNamer;
  clock: Clock;
}

/**
 * Saga step "create the license": from the package's defaults, one license per package and
 * org. A redelivered or re-sent command finds the license and answers again; nothing new.
 * The same command for an uninstalled license is a reinstall. Changes that arrived before the
 * license existed are applied right after it is named. Every reply leaves through an outbox: the
 * license's (created, reinstalled) or the command's own (domain/commands.ts).
 */
export function onCreateLicense(deps: CreateLicenseDeps) {
  const { data } = deps;
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(CreateLicenseV1, event.data);
    const { install } = cmd;
    const now = deps.clock.now();
    const trace = traceContext(event);
    const key = installationKey(install.packageId, install.subscriberOrgId);
    const replyEvent = (type: string, reply: object): TopicEvent => eventOf(type, reply, { id: `${cmd.commandId}:${type}`, key, time: now, ...trace });
    const answer = (type: string, reply: object) => answerCommand(deps, cmd.commandId, replyEvent(type, reply), now);
    const park = (reason: ParkReason, detail: string) =>
      answer(ReplyType.LicenseCreationParked, { sagaId: cmd.sagaId, commandId: cmd.commandId, reason, detail } satisfies LicenseCreationParkedV1);
    const versionNotUploaded = () =>
      park('version-not-uploaded', `version ${install.versionNumber} (${install.packageVersionId}) of package ${install.packageId} has not been uploaded yet`);

    const licenseId = licenseIdFor(install.packageId, install.subscriberOrgId);
    const existing = await data.licenses.get(licenseId);
    if (existing?.licenseName) {
      let current: License = existing;
      // with the same command id, its reply is in the license's outbox already
      if (existing.createdFor?.commandId !== cmd.commandId) {
        const r = await reinstallOrConfirm(deps, cmd, existing, replyEvent, now, trace);
        if (r === 'version-not-uploaded') await versionNotUploaded();
        else if (r === 'deleted') {
          await answer(ReplyType.LicenseCreationFailed, {
            sagaId: cmd.sagaId,
            commandId: cmd.commandId,
            reason: `license ${existing.licenseName} was deleted with its subscriber org` } satisfies LicenseCreationFailedV1);
        } else current = r;
      }
      await applyPendingChanges(deps, current, now, trace);
      return;
    }

    let license = existing;
    if (!license) {
      const [pkg, version] = await Promise.all([data.packages.get(install.packageId), data.versions.get(install.packageVersionId)]);
      if (!pkg) {
        await park('package-not-registered', `package ${install.packageId} has not been registered yet`);
        return;
      }
      if (version?.packageId !== install.packageId) {
        await versionNotUploaded();
        return;
      }
      const created = newLicense(
        { defaultLicense: pkg.defaultLicense, sandboxSiteLicense: pkg.sandboxSiteLicense },
        install,
        { leadId: cmd.leadId, contactId: cmd.contactId },
        { sagaId: cmd.sagaId, commandId: cmd.commandId },
        now,
      );
      // listed under its org and lead before it exists, so a change of either finds it
      await listLicense(deps, created);
      license = (await data.licenses.insertOnce(created)) ? created : await data.licenses.get(licenseId);
      if (!license) throw new Error(`license ${licenseId} vanished after it was inserted`);
    }
    const named = await deps.namer.name(license, now, trace);
    await applyPendingChanges(deps, named, now, trace);
  };
}

/**
 * Another install for an existing license: an uninstalled one is reinstalled, and the reply
 * (LicenseCreated, existing) goes in the same write as `lma.license.reinstalled`; otherwise the
 * reply is answered as it is. The command id is kept as applied, so the same command reinstalls
 * once. Returns the license, or why there is none to give.
 */
async function reinstallOrConfirm(
  deps: CreateLicenseDeps,
  cmd: CreateLicenseV1,
  existing: License,
  replyEvent: (type: string, reply: object) => TopicEvent,
  now: Date,
  trace: TraceContext,
): Promise<License | 'version-not-uploaded' | 'deleted'> {
  const { install } = cmd;
  const [pkg, version] = await Promise.all([deps.data.packages.get(install.packageId), deps.data.versions.get(install.packageVersionId)]);
  const known = version?.packageId === install.packageId;
  const defaults = pkg ? { defaultLicense: pkg.defaultLicense, sandboxSiteLicense: pkg.sandboxSiteLicense } : null;
  const created = (l: License) =>
    replyEvent(ReplyType.LicenseCreated, { sagaId: cmd.sagaId, commandId: cmd.commandId, licenseId: l._id, licenseName: l.licenseName!, existing: true } satisfies LicenseCreatedReplyV1);
  const w = await writeLicense(
    deps,
    existing._id,
    decideOn((l) => {
      if (l.deletedAt) return 'deleted';
      const d = defaults ? decideReinstall(l, cmd, defaults) : null;
      if (!d) return 'confirm';
      return d.event && !known ? 'version-not-uploaded' : d;
    }),
    { appliedId: cmd.commandId, now, trace, extra: (l) => [created(l)] },
    existing,
  );
  if (w.outcome === ABSENT || !w.license) throw new Error(`license ${existing._id} vanished`);
  if (w.outcome === 'deleted' || w.outcome === 'version-not-uploaded') return w.outcome;
  if (w.outcome === 'confirm') await answerCommand(deps, cmd.commandId, created(w.license), now);
  return w.license;
}
