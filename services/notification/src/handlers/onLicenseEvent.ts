import { LicenseEventType, LicenseV1, parseData, type CloudEvent } from '@lma/contracts';
import type { DocumentLocks } from '@lma/kafka';
import { isDuplicateKey } from '@lma/core';
import { stretchStart } from '../domain/licenseState';
import { daysLeft, dueStage, expiryOccasion } from '../domain/stages';
import { ruleApplies, type Rule } from '../domain/rules';
import type { TemplateValues } from '../domain/templates';
import type { LicenseView, Models } from '../infra/models';
import { raise, rulesFor, type NotifierDeps } from '../infra/notifier';

export interface LicenseHandlerDeps extends NotifierDeps {
  locks: DocumentLocks;
  linkBaseUrl: string;
  catchUpDays: number;
  eventMaxAgeMs: number;
}

/** The values a license alert's templates use. */
export async function licenseValues(m: Models, l: LicenseView, linkBaseUrl: string): Promise<TemplateValues> {
  const lead = l.leadId ? await m.Lead.findById(l.leadId).lean() : null;
  const { _id, uninstalledSince: _u, suspendedSince: _s, updatedAt: _t, ...fields } = l;
  return { ...fields, licenseId: _id, company: lead?.company ?? '', licenseUrl: `${linkBaseUrl}/licenses/${_id}` };
}

/** The expiry alert due now for one license, per expiring rule (none, or the stage closest to expiry). */
export async function raiseExpiry(deps: LicenseHandlerDeps, l: LicenseView, expiringRules?: Rule[]): Promise<number> {
  if (l.expiresOn === null || l.status === 'Uninstalled') return 0;
  const now = deps.clock.now();
  let created = 0;
  const rules = expiringRules ? expiringRules.filter((r) => ruleApplies(r, l.packageId)) : await rulesFor(deps.models, 'license-expiring', l.packageId);
  let values: TemplateValues | undefined;
  for (const rule of rules) {
    const stage = dueStage(l.expiresOn, rule.stages, now, deps.catchUpDays);
    if (stage === null) continue;
    created += await raise(
      deps,
      {
        kind: 'license-expiring',
        occasion: expiryOccasion(l._id, l.expiresOn, stage),
        packageId: l.packageId,
        licenseId: l._id,
        subscriberOrgId: l.subscriberOrgId,
        leadId: l.leadId,
        occurredAt: now,
        values: { ...(values ??= await licenseValues(deps.models, l, deps.linkBaseUrl)), stage, daysLeft: daysLeft(l.expiresOn, now) },
      },
      [rule],
    );
  }
  return created;
}

/**
 * Keeps the license read model (only newer revisions replace it; a redelivered revision is
 * processed again so a crash between the write and the alerts loses nothing) and raises the
 * alerts the license's state calls for: uninstalled, suspended, an expiry stage now due.
 */
export function onLicenseEvent(deps: LicenseHandlerDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (!(Object.values(LicenseEventType) as string[]).includes(event.type)) return;
    const lic = parseData(LicenseV1, event.data);
    const view = await deps.locks.run(`license:${lic.licenseId}`, async () => {
      const prev = (await deps.models.License.findById(lic.licenseId).lean()) as LicenseView | null;
      if (prev && prev.revision > lic.revision) return null; // stale: a newer revision was applied
      const { licenseId, changedBy: _c, reason: _r, ...fields } = lic;
      const next: LicenseView = {
        ...fields,
        _id: licenseId,
        uninstalledSince: stretchStart(prev && { status: prev.status, revision: prev.revision, since: prev.uninstalledSince }, lic, 'Uninstalled'),
        suspendedSince: stretchStart(prev && { status: prev.status, revision: prev.revision, since: prev.suspendedSince }, lic, 'Suspended'),
        updatedAt: deps.clock.now(),
      };
      if (prev) await deps.models.License.replaceOne({ _id: licenseId }, next);
      else {
        try {
          await deps.models.License.create(next);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          await deps.models.License.replaceOne({ _id: licenseId, revision: { $lte: lic.revision } }, next);
        }
      }
      return next;
    });
    if (!view) return;
    const occurredAt = new Date(event.time);
    const fresh = deps.clock.now().getTime() - occurredAt.getTime() <= deps.eventMaxAgeMs;
    if (fresh && view.uninstalledSince !== null) await raiseState(deps, view, 'license-uninstalled', `uninstalled:${view._id}:${view.uninstalledSince}`, occurredAt);
    if (fresh && view.suspendedSince !== null) await raiseState(deps, view, 'license-suspended', `suspended:${view._id}:${view.suspendedSince}`, occurredAt);
    await raiseExpiry(deps, view);
  };
}

async function raiseState(deps: LicenseHandlerDeps, l: LicenseView, kind: 'license-uninstalled' | 'license-suspended', occasion: string, occurredAt: Date) {
  await raise(deps, {
    kind,
    occasion,
    packageId: l.packageId,
    licenseId: l._id,
    subscriberOrgId: l.subscriberOrgId,
    leadId: l.leadId,
    occurredAt,
    values: await licenseValues(deps.models, l, deps.linkBaseUrl),
  });
}
