/** What the gateway tells the console at GET /console-config.json (one build, every deployment). */
export interface ConsoleSettings {
  /** The OpenID Connect provider (the gateway's OIDC_ISSUER); null: sign-in is not configured. */
  authority: string | null;
  clientId: string;
  /** The resource indicator (RFC 8707) of the LMA API at the provider. */
  resource: string;
  scope: string;
  /** The access token claim holding permissions or roles (the gateway's OIDC_PERMISSIONS_CLAIM). */
  permissionsClaim: string;
  /** Claim value -> LMA permissions (the gateway's OIDC_ROLE_PERMISSIONS); null: the values are permissions. */
  rolePermissions: Record<string, string[]> | null;
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const res = await fetch('/console-config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`The console settings (/console-config.json) answered ${res.status}`);
  return (await res.json()) as ConsoleSettings;
}
