import { LicenseEventType, LicenseV1, parseData, type CloudEvent } from '@lma/contracts';
import { bucketId, bucketIndexOf, mayStillAlert, withBucket, withLicense, withoutLicense } from '../domain/expiryCalendar';
import { applyLicenseEvent, reportsRecentChange, type LicenseView } from '../domain/licenseState';
import { daysLeft, dueStage, expiryOccasion } from '../domain/stages';
import { ruleApplies, type Rule } from '../domain/rules';
import type { TemplateValues } from '../domain/templates';
import type { Aggregates, Models } from '../infra/models';
import { raise, rulesFor, type NotifierDeps } from '../infra/notifier';

export interface LicenseHandlerDeps extends NotifierDeps {
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

/** Lists the license on its expiration day of the calendar (idempotent): the day lists its bucket first. */
export async function fileExpiry(a: Aggregates, day: string, licenseId: string): Promise<void> {
  const bucket = bucketIndexOf(licenseId);
  await a.days.update(day, (current) => {
    const next = withBucket(current, day, bucket);
    return next && { state: next };
  });
  const id = bucketId(day, bucket);
  await a.calendar.update(id, (current) => {
    const next = withLicense(current, id, day, licenseId);
    return next && { state: next };
  });
}

async function unfileExpiry(a: Aggregates, day: string, licenseId: string): Promise<void> {
  await a.calendar.update(bucketId(day, bucketIndexOf(licenseId)), (bucket) => {
    const next = withoutLicense(bucket, licenseId);
    return next && { state: next };
  });
}

/**
 * Keeps the license read model (only newer revisions replace it; a redelivered revision is
 * handled again so a crash between the write and the alerts loses nothing) and its place in the
 * expiry calendar (filed under its new date before the license is written, taken off its old date
 * after), and raises the alerts the license's state calls for: uninstalled, suspended, an expiry
 * stage now due.
 */
export function onLicenseEvent(deps: LicenseHandlerDeps) {
  const a = deps.aggregates;
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (!(Object.values(LicenseEventType) as string[]).includes(event.type)) return;
    const lic = parseData(LicenseV1, event.data);
    const now = deps.clock.now();
    const kept = await a.licenses.get(lic.licenseId);
    if (kept && kept.revision > lic.revision) return; // stale: a newer revision was applied
    if (lic.expiresOn !== kept?.expiresOn && mayStillAlert(lic.expiresOn, now, deps.catchUpDays)) await fileExpiry(a, lic.expiresOn, lic.licenseId);
    const written = await a.licenses.update(lic.licenseId, (prev) => {
      const { view, changed } = applyLicenseEvent(prev, lic, now);
      return { ...(changed && view ? { state: view } : {}), result: { view, replaced: prev } };
    });
    const { view, replaced } = written.result!;
    if (!view) return;
    if (written.written && replaced?.expiresOn && replaced.expiresOn !== view.expiresOn) await unfileExpiry(a, replaced.expiresOn, view._id);
    const occurredAt = new Date(event.time);
    const fresh = reportsRecentChange(lic, occurredAt, now, deps.eventMaxAgeMs);
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
