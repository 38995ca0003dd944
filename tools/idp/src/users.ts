import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Permission } from '@lma/api';

/**
 * The demo users of the local identity provider. Their access tokens carry LMA permissions in the
 * `permissions` claim (what the gateway reads by default) and a role in `roles` (to try
 * OIDC_ROLE_PERMISSIONS with). Passwords are generated once into the users file, never committed.
 */
export interface DemoUser {
  /** The variable prefix in the users file: `IDP_<KEY>_EMAIL`, `IDP_<KEY>_PASSWORD`. */
  key: 'ADMIN' | 'MANAGER' | 'ANALYST';
  email: string;
  name: string;
  role: string;
  permissions: readonly string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { key: 'ADMIN', email: 'admin@demo.example', name: 'Ada Admin', role: 'lma-admin', permissions: [Permission.Admin] },
  {
    key: 'MANAGER',
    email: 'manager@demo.example',
    name: 'Max Manager',
    role: 'lma-license-manager',
    permissions: [
      Permission.LicensesRead,
      Permission.LicensesEdit,
      Permission.PackagesRead,
      Permission.PackagesEdit,
      Permission.LeadsRead,
      Permission.AccountsRead,
      Permission.ContactsRead,
      Permission.NotificationRulesRead,
    ],
  },
  {
    key: 'ANALYST',
    email: 'analyst@demo.example',
    name: 'Ana Analyst',
    role: 'lma-analyst',
    permissions: [
      Permission.LicensesRead,
      Permission.PackagesRead,
      Permission.LeadsRead,
      Permission.AccountsRead,
      Permission.ContactsRead,
      Permission.TeamRead,
      Permission.NotificationRulesRead,
    ],
  },
];

/** The roles of the demo users as an OIDC_ROLE_PERMISSIONS value (role -> LMA permissions). */
export const DEMO_ROLE_PERMISSIONS: Record<string, readonly string[]> = Object.fromEntries(DEMO_USERS.map((u) => [u.role, u.permissions]));

export interface Credentials {
  email: string;
  password: string;
}

/** Reads `KEY=value` lines (the users file is also sourced by shell scripts). */
export function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

/** The demo users' emails and passwords from the users file, by key (ADMIN, MANAGER, ANALYST). */
export function readDemoCredentials(file: string): Record<DemoUser['key'], Credentials> {
  const env = readEnvFile(file);
  const entry = (u: DemoUser): [DemoUser['key'], Credentials] => {
    const password = env[`IDP_${u.key}_PASSWORD`];
    if (!password) throw new Error(`${file} has no IDP_${u.key}_PASSWORD`);
    return [u.key, { email: env[`IDP_${u.key}_EMAIL`] ?? u.email, password }];
  };
  return Object.fromEntries(DEMO_USERS.map(entry)) as Record<DemoUser['key'], Credentials>;
}

/** Writes the users file with fresh random passwords unless it exists (mode 0600). */
export function ensureUsersFile(file: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const lines = ['# Demo users of the local identity provider (tools/idp). Generated once; never commit this file.'];
  for (const u of DEMO_USERS) lines.push(`IDP_${u.key}_EMAIL=${u.email}`, `IDP_${u.key}_PASSWORD=${randomBytes(12).toString('base64url')}`);
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
}

export interface UserDirectory {
  /** The user whose email and password these are, or undefined (the same work either way). */
  authenticate(email: string, password: string): DemoUser | undefined;
  find(email: string): DemoUser | undefined;
}

/** The demo users with the passwords of the users file, kept as scrypt hashes in memory. */
export function loadUserDirectory(file: string): UserDirectory {
  const credentials = readDemoCredentials(file);
  const salt = randomBytes(16);
  const hash = (password: string) => scryptSync(password, salt, 32);
  const byEmail = new Map(DEMO_USERS.map((u) => [credentials[u.key].email.toLowerCase(), { user: { ...u, email: credentials[u.key].email }, hash: hash(credentials[u.key].password) }]));
  const decoy = hash(randomBytes(16).toString('hex'));
  return {
    authenticate(email, password) {
      const entry = byEmail.get(email.trim().toLowerCase());
      const ok = timingSafeEqual(hash(password), entry?.hash ?? decoy);
      return entry && ok ? entry.user : undefined;
    },
    find: (email) => byEmail.get(email.toLowerCase())?.user,
  };
}
