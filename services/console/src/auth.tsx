import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { Alert, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import type { ConsoleSettings } from './settings';

export interface Auth {
  user: User;
  /** The LMA permissions of the signed-in person, read from the access token as the gateway reads them. */
  permissions: ReadonlySet<string>;
  /** `admin` grants everything, as on the server. */
  can(permission: string): boolean;
  accessToken(): string;
  signOut(): Promise<void>;
  signInAgain(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

function claimAt(payload: Record<string, unknown>, path: string): unknown {
  let v: unknown = payload;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** The permissions in an access token (a JWT): the claim's values, mapped through the role table when there is one. */
export function permissionsOf(accessToken: string, settings: Pick<ConsoleSettings, 'permissionsClaim' | 'rolePermissions'>): Set<string> {
  let payload: Record<string, unknown> = {};
  try {
    const part = accessToken.split('.')[1] ?? '';
    payload = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return new Set();
  }
  const raw = claimAt(payload, settings.permissionsClaim);
  const values = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : typeof raw === 'string' ? raw.split(' ') : [];
  if (!settings.rolePermissions) return new Set(values);
  return new Set(values.flatMap((v) => settings.rolePermissions![v] ?? []));
}

function userManagerOf(settings: ConsoleSettings): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: settings.authority!,
    client_id: settings.clientId,
    redirect_uri: `${origin}/`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: settings.scope,
    extraQueryParams: { resource: settings.resource },
    extraTokenParams: { resource: settings.resource },
    automaticSilentRenew: false,
    loadUserInfo: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/**
 * Sign-in with authorization code + PKCE (oidc-client-ts): the provider redirects back to `/` with
 * `code` and `state`; the page the person wanted is kept in the state and restored.
 */
export function AuthProvider({ settings, children }: { settings: ConsoleSettings; children: ReactNode }) {
  const manager = useMemo(() => (settings.authority ? userManagerOf(settings) : null), [settings]);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!manager) return;
    const params = new URLSearchParams(window.location.search);
    const run = async () => {
      if (params.has('code') && params.has('state')) {
        const u = await manager.signinRedirectCallback();
        const returnTo = (u.state as { returnTo?: string } | undefined)?.returnTo ?? '/';
        window.history.replaceState(null, '', returnTo);
        return u;
      }
      if (params.has('error')) throw new Error(`${params.get('error')}: ${params.get('error_description') ?? ''}`);
      const u = await manager.getUser();
      return u && !u.expired ? u : null;
    };
    run().then(setUser, (err: unknown) => {
      setError(err instanceof Error ? err.message : String(err));
      setUser(null);
    });
  }, [manager]);

  const signIn = () => manager!.signinRedirect({ state: { returnTo: window.location.pathname + window.location.search } });

  if (!manager) {
    return (
      <Center h="100vh">
        <Alert color="red" title="Sign-in is not configured" maw={480}>
          The gateway names no identity provider (OIDC_ISSUER). Set it and restart the gateway; see docs/security.md.
        </Alert>
      </Center>
    );
  }
  if (user === undefined) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!user) {
    return (
      <Center h="100vh" p="md">
        <Stack maw={420} align="stretch">
          <Title order={1}>LMA console</Title>
          <Text>Sign in with your organisation's account to manage licenses, packages and leads.</Text>
          {error && (
            <Alert color="red" title="Sign-in failed">
              {error}
            </Alert>
          )}
          <Button onClick={() => void signIn()}>Sign in</Button>
        </Stack>
      </Center>
    );
  }
  const permissions = permissionsOf(user.access_token, settings);
  const auth: Auth = {
    user,
    permissions,
    can: (p) => permissions.has('admin') || permissions.has(p),
    accessToken: () => user.access_token,
    signOut: async () => {
      await manager.removeUser();
      setUser(null);
    },
    signInAgain: async () => {
      await manager.removeUser();
      await signIn();
    },
  };
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
