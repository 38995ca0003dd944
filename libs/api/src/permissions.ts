/**
 * Permissions as partners configure their teams: `<object>:<right>`. `admin` grants everything
 * (team members, API keys, refresh grants included). Tokens and API keys carry a list of these.
 */
export const Permission = {
  LicensesRead: 'licenses:read',
  /** Modify License, seats. Edit implies nothing without Read: callers need both. */
  LicensesEdit: 'licenses:edit',
  PackagesRead: 'packages:read',
  /** Only the lead manager, the default license values and refresh requests. */
  PackagesEdit: 'packages:edit',
  LeadsRead: 'leads:read',
  /** Convert a lead to an account and a contact. */
  LeadsEdit: 'leads:edit',
  AccountsRead: 'accounts:read',
  ContactsRead: 'contacts:read',
  TeamRead: 'team:read',
  NotificationRulesRead: 'notification-rules:read',
  NotificationRulesEdit: 'notification-rules:edit',
  Admin: 'admin',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];
export const ALL_PERMISSIONS = Object.values(Permission) as readonly Permission[];
