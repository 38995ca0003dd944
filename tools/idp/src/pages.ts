export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The sign-in form: plain HTML, no script, so a browser or a test's fetch can post it. */
export function loginPage(opts: { uid: string; clientId: string; email: string; error?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to LMA</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.3rem 0}input{padding:.4rem}.error{color:#b00020}</style>
</head><body>
<h1>Sign in to LMA</h1>
<p>Local identity provider for development (client ${escapeHtml(opts.clientId)}).</p>
${opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(opts.uid)}/login" autocomplete="off">
<label for="email">Email</label><input id="email" name="email" type="email" required autofocus value="${escapeHtml(opts.email)}">
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p>Demo users and their passwords: .local/secrets/idp-users.env</p>
</body></html>
`;
}
