import { z } from 'zod';
import { PackageId, SubscriberOrgId } from './ids';
import { SnapshotInstallation } from './marketplace';

/**
 * Internal topics and messages of a refresh (LMA's own design): the refresh service asks the
 * license service to reconcile each snapshot page, install-intake to onboard installations that
 * have no license, and the license service, at the end, for the licenses the snapshot did not
 * list. Every reply goes to the refresh service.
 */
export const RefreshTopic = {
  /** Commands to the license service: reconcile a page, report unseen licenses. */
  LicenseReconcile: 'lma.license.reconcile-commands',
  /** Commands to install-intake: start onboarding sagas from snapshot installations. */
  OnboardingCommands: 'lma.onboarding.commands',
  /** Replies to the refresh service. */
  RefreshReplies: 'lma.refresh.replies',
} as const;

export const RefreshSource = 'lma/refresh';

export const RefreshCommandType = {
  ReconcileLicenses: 'lma.command.license.reconcile',
  ReportUnseenLicenses: 'lma.command.license.report-unseen',
  StartOnboardings: 'lma.command.onboarding.start-from-snapshot',
} as const;

export const RefreshReplyType = {
  LicensesReconciled: 'lma.reply.license.reconciled',
  UnseenLicensesReported: 'lma.reply.license.unseen-reported',
  OnboardingsStarted: 'lma.reply.onboarding.started',
} as const;

const JobRef = z.object({ jobId: z.string().min(1).max(200), packageId: PackageId });

/** Reconcile one snapshot page's installations with the package's licenses. */
export const ReconcileLicensesV1 = JobRef.extend({
  page: z.number().int().min(1),
  installations: z.array(SnapshotInstallation),
  /**
   * When the marketplace answered with the page (its `ce_time`): the snapshot is the truth as of
   * then, not as of when LMA reconciles it. Absent in commands sent before it existed: the time of
   * the reconcile then.
   */
  observedAt: z.string().datetime({ offset: true }).optional(),
});
export type ReconcileLicensesV1 = z.infer<typeof ReconcileLicensesV1>;

/** Fields of a license a refresh can correct (the names the job summary counts by). */
export const DriftField = z.enum(['version', 'orgEdition', 'orgStatus', 'orgExpiresOn', 'instance', 'sandbox', 'uninstalled', 'usedLicenses']);
export type DriftField = z.infer<typeof DriftField>;

export const ReconcileOutcome = z.discriminatedUnion('outcome', [
  z.object({ subscriberOrgId: SubscriberOrgId, outcome: z.literal('create-needed') }),
  z.object({ subscriberOrgId: SubscriberOrgId, outcome: z.literal('corrected'), fields: z.array(DriftField).min(1) }),
  z.object({ subscriberOrgId: SubscriberOrgId, outcome: z.literal('unchanged') }),
  z.object({ subscriberOrgId: SubscriberOrgId, outcome: z.literal('failed'), reason: z.string() }),
]);
export type ReconcileOutcome = z.infer<typeof ReconcileOutcome>;

/** One reply per page: the outcome of each installation, and the installations that need a license. */
export const LicensesReconciledV1 = JobRef.extend({
  page: z.number().int().min(1),
  results: z.array(ReconcileOutcome),
  /** The snapshot installations without a license (outcome create-needed), for onboarding. */
  createNeeded: z.array(SnapshotInstallation),
});
export type LicensesReconciledV1 = z.infer<typeof LicensesReconciledV1>;

/** After the last page: which of the package's licenses did the snapshot not list? */
export const ReportUnseenLicensesV1 = JobRef.extend({ pages: z.number().int().min(0) });
export type ReportUnseenLicensesV1 = z.infer<typeof ReportUnseenLicensesV1>;

export const UNSEEN_LISTED_MAX = 1000;
export const UnseenLicensesReportedV1 = JobRef.extend({
  count: z.number().int().min(0),
  /** The first UNSEEN_LISTED_MAX of them. */
  licenses: z.array(z.object({ licenseId: z.string(), licenseName: z.string().nullable(), subscriberOrgId: SubscriberOrgId })),
});
export type UnseenLicensesReportedV1 = z.infer<typeof UnseenLicensesReportedV1>;

/** Start the onboarding saga (as a live install would) for snapshot installations without a license. */
export const StartOnboardingsV1 = JobRef.extend({
  page: z.number().int().min(1),
  installations: z.array(SnapshotInstallation),
});
export type StartOnboardingsV1 = z.infer<typeof StartOnboardingsV1>;

export const OnboardingsStartedV1 = JobRef.extend({
  page: z.number().int().min(1),
  /** Sagas this command created. */
  started: z.array(SubscriberOrgId),
  /** Installations with a saga already under way or done (a live install, an earlier refresh). */
  existing: z.array(SubscriberOrgId),
});
export type OnboardingsStartedV1 = z.infer<typeof OnboardingsStartedV1>;
