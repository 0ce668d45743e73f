// The confirmation page of a one-time sign-in link. Opening the link (GET) uses nothing up — mail
// scanners and link previews fetch GET links — the button POSTs the token, which signs in once.

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(assets: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Greenlight</title>
<link rel="stylesheet" href="${escapeHtml(assets)}/app.css">
<link rel="icon" href="${escapeHtml(assets)}/icon.svg" type="image/svg+xml">
</head>
<body class="standalone">
<main class="card narrow" id="main">
<h1 class="brand"><span class="brand-dot" aria-hidden="true"></span> Greenlight</h1>
${body}
</main>
</body>
</html>
`;
}

export function linkConfirmPage(assets: string, token: string, who: { name: string; role: string }): string {
  return page(
    assets,
    'Sign in',
    `<h2>Sign in as ${escapeHtml(who.name)}?</h2>
<p>This one-time link signs you in to the dashboard as <strong>${escapeHtml(who.name)}</strong> (${escapeHtml(who.role)}). It works once.</p>
<form method="post" action="/auth/link">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit" class="btn primary big">Sign in</button>
</form>`,
  );
}

export function linkInvalidPage(assets: string): string {
  return page(
    assets,
    'Link not valid',
    `<h2>This sign-in link no longer works</h2>
<p>It was used already, or it expired. Ask for a new link, or <a href="/">sign in with your key or password</a>.</p>`,
  );
}
