import type { z } from 'zod';
import { DefaultLicense } from '@lma/contracts';
import { ApiKeyAuditEntry, ApiKeyView, NewApiKeyView } from './routes/gateway';
import { DeadLetterPage, DeadLetterView } from './routes/dead-letters';
import { OnboardingAttentionView, OnboardingView } from './routes/install-intake';
import { AccountView, AuditEntryView, ContactView, LeadConversionView, LeadRoutingView, LeadView, RelatedLicense, TeamMemberView } from './routes/lead';
import {
  AuditEntryView as LicenseAuditEntryView,
  CheckAnswerView,
  CheckResultsView,
  LicenseView,
  PackageVersionView,
  PackageView,
  RepublishRequestView,
  SeatChangeView,
  SeatView,
} from './routes/license';
import { DeliveryAttemptView, NotificationRuleView, NotificationView } from './routes/notification';
import { RefreshGrantView, RefreshJobView, RefreshStatusView, RefreshSummary } from './routes/refresh';

/**
 * The resources of the API by the name their schema has in the OpenAPI document
 * (`#/components/schemas/<name>`), so that generated clients get named types. Pages and lists of
 * them are named after them (`LicensePage`, `OnboardingList`); anything else is inlined.
 */
export const API_SCHEMAS: Readonly<Record<string, z.ZodTypeAny>> = {
  ApiKey: ApiKeyView,
  NewApiKey: NewApiKeyView,
  ApiKeyAuditEntry,
  License: LicenseView,
  LicenseAuditEntry: LicenseAuditEntryView,
  Seat: SeatView,
  SeatChange: SeatChangeView,
  LicenseCheck: CheckAnswerView,
  LicenseCheckResults: CheckResultsView,
  Package: PackageView,
  PackageVersion: PackageVersionView,
  LicenseRepublishRequest: RepublishRequestView,
  DefaultLicense,
  TeamMember: TeamMemberView,
  LeadRouting: LeadRoutingView,
  LinkedLicense: RelatedLicense,
  Lead: LeadView,
  Account: AccountView,
  Contact: ContactView,
  LeadConversion: LeadConversionView,
  AuditEntry: AuditEntryView,
  Onboarding: OnboardingView,
  OnboardingAttention: OnboardingAttentionView,
  DeadLetter: DeadLetterView,
  DeadLetterPage,
  NotificationRule: NotificationRuleView,
  Notification: NotificationView,
  DeliveryAttempt: DeliveryAttemptView,
  RefreshJob: RefreshJobView,
  RefreshSummary,
  RefreshStatus: RefreshStatusView,
  RefreshGrant: RefreshGrantView,
};
