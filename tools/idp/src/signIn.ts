import { createHash, randomBytes } from 'node:crypto';

/** What a sign-in returns: the access token for the LMA API and when it expires. */
export interface SignedIn {
  accessToken: string;
  idToken?: string;
  expiresIn: number;
}

export interface SignInOptions {
  issuer: string;
  email: string;
  password: string;
  clientId?: string;
  redirectUri?: string;
  /** The resource indicator to ask a token for (the provider's default when unset). */
  resource?: string;
  scope?: string;
}

/** Cookies by name, as a browser would send them back to the provider (paths ignored). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Signs in as a browser would, without one: authorization code flow with PKCE (S256) against any
 * OpenID Connect provider whose sign-in page is a plain form with `email` and `password` (the
 * local identity provider's). Redirects are followed by hand up to the redirect URI, whose `code`
 * is exchanged at the token endpoint. Used by the demo and the tests.
 */
export async function signIn(opts: SignInOptions): Promise<SignedIn> {
  const clientId = opts.clientId ?? 'lma-console';
  const redirectUri = opts.redirectUri ?? 'http://127.0.0.1:4000/';
  const discovery = (await (await fetch(`${opts.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string };
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: opts.scope ?? 'openid email profile',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(opts.resource ? { resource: opts.resource } : {}),
  }).toString();

  const jar = new CookieJar();
  let res = await fetch(auth, { redirect: 'manual' });
  let at = auth.href;
  for (let hops = 0; hops < 20; hops++) {
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') ?? '', at);
      if (`${next.origin}${next.pathname}` === `${new URL(redirectUri).origin}${new URL(redirectUri).pathname}`) {
        const error = next.searchParams.get('error');
        if (error) throw new Error(`sign-in refused: ${error}: ${next.searchParams.get('error_description') ?? ''}`);
        if (next.searchParams.get('state') !== state) throw new Error('sign-in answered with another state');
        return await exchange(discovery.token_endpoint, { clientId, redirectUri, verifier, code: next.searchParams.get('code') ?? '', resource: opts.resource });
      }
      at = next.href;
      res = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
      continue;
    }
    const body = await res.text();
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(body)?.[1];
    if (res.status !== 200 || !action || !/name="password"/.test(body)) throw new Error(`sign-in stopped at ${at} with ${res.status}: ${body.slice(0, 300)}`);
    const form = new URLSearchParams({ email: opts.email, password: opts.password });
    at = new URL(action.replace(/&amp;/g, '&'), at).href;
    res = await fetch(at, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    if (res.status === 401) throw new Error(`sign-in refused for ${opts.email}: wrong email or password`);
  }
  throw new Error('sign-in did not reach the redirect URI after 20 steps');
}

async function exchange(tokenEndpoint: string, p: { clientId: string; redirectUri: string; verifier: string; code: string; resource: string | undefined }): Promise<SignedIn> {
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: p.code,
      redirect_uri: p.redirectUri,
      client_id: p.clientId,
      code_verifier: p.verifier,
      ...(p.resource ? { resource: p.resource } : {}),
    }),
  });
  const body = (await res.json()) as { access_token?: string; id_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`token request refused (${res.status}): ${body.error ?? ''} ${body.error_description ?? ''}`);
  return { accessToken: body.access_token, ...(body.id_token ? { idToken: body.id_token } : {}), expiresIn: body.expires_in ?? 0 };
}
