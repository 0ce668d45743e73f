// The static parts of the /docs page: its HTML shell and stylesheet. The shell holds no spec
// text at all; docs-script.ts fills it in from /openapi.json.

export const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Greenlight API</title>
<link rel="stylesheet" href="/docs/app.css">
<script src="/docs/app.js" defer></script>
</head>
<body>
<header>
  <h1 id="title">Greenlight API</h1>
  <span id="version" class="muted"></span>
  <input id="search" type="search" placeholder="Search operations (path, method, role, words)" aria-label="Search operations" autocomplete="off">
  <span id="count" class="muted"></span>
  <a href="/openapi.json">openapi.json</a>
</header>
<nav id="toc" aria-label="Sections"></nav>
<main id="content">
  <p id="loading" class="muted">Loading /openapi.json …</p>
  <noscript><p>This page needs JavaScript to render. The raw document is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
</main>
</body>
</html>
`;

export const DOCS_CSS = `:root {
  --bg: #fff; --fg: #1b1f24; --muted: #5c6670; --line: #d8dee4; --panel: #f6f8fa; --code: #eef1f4;
  --get: #1f6feb; --post: #1a7f37; --delete: #cf222e; --put: #9a6700; --patch: #8250df; --accent: #1a7f37;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9199a1; --line: #30363d; --panel: #161b22; --code: #1f242c;
    --get: #58a6ff; --post: #3fb950; --delete: #f85149; --put: #d29922; --patch: #bc8cff; --accent: #3fb950; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; padding: .75rem 1.5rem; background: var(--panel); border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 1.2rem; }
#search { flex: 1 1 18rem; min-width: 12rem; padding: .4rem .6rem; font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
a { color: var(--get); }
.muted { color: var(--muted); font-size: .9rem; }
nav#toc { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: .5rem 1.5rem; border-bottom: 1px solid var(--line); }
main { max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
section.tag { margin-top: 2rem; }
section.tag > h2 { margin: 0 0 .25rem; font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
code { background: var(--code); padding: 0 .25em; border-radius: 4px; }
pre { background: var(--code); padding: .75rem; border-radius: 6px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
details.op { border: 1px solid var(--line); border-radius: 8px; margin: .5rem 0; background: var(--bg); }
details.op > summary { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; padding: .5rem .75rem; cursor: pointer; list-style: none; }
details.op > summary::-webkit-details-marker { display: none; }
details.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--panel); border-radius: 8px 8px 0 0; }
.op-body { padding: .5rem 1rem 1rem; }
.method { display: inline-block; min-width: 4.2rem; text-align: center; font-weight: 700; font-size: .8rem; color: #fff; border-radius: 4px; padding: .1rem .4rem; background: var(--muted); }
.m-get { background: var(--get); } .m-post { background: var(--post); } .m-delete { background: var(--delete); } .m-put { background: var(--put); } .m-patch { background: var(--patch); }
.path { font-weight: 600; background: none; }
.summary { color: var(--muted); }
.roles { margin-left: auto; display: flex; gap: .3rem; }
.role { font-size: .75rem; border: 1px solid var(--line); border-radius: 999px; padding: 0 .5rem; }
.role.public { color: var(--accent); border-color: var(--accent); }
.req { font-size: .72rem; color: var(--delete); margin-left: .4rem; }
.opid { color: var(--muted); font-size: .8rem; margin-bottom: .5rem; }
h4 { margin: 1rem 0 .4rem; font-size: .95rem; }
table.params { width: 100%; border-collapse: collapse; font-size: .9rem; }
table.params th, table.params td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .3rem .4rem; }
.type { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; color: var(--patch); }
.type.bad { color: var(--delete); }
.constraint { display: inline-block; font-size: .75rem; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; margin-left: .35rem; }
.schema .props, .schema .alts { margin: .2rem 0 .2rem .25rem; padding-left: 1rem; border-left: 2px solid var(--line); }
.schema .props > li { list-style: none; margin: .25rem 0; }
.prop { font-weight: 600; margin-right: .4rem; }
.desc { color: var(--muted); font-size: .88rem; }
.media { font-size: .8rem; color: var(--muted); margin-top: .3rem; }
details.response { margin: .25rem 0; }
details.response > summary { cursor: pointer; }
.status { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.status.ok { color: var(--post); } .status.err { color: var(--delete); } .status.redirect { color: var(--put); }
details.example > summary { cursor: pointer; font-size: .85rem; color: var(--muted); }
.prose p { margin: .35rem 0; }
.error { color: var(--delete); font-weight: 600; }
[hidden] { display: none !important; }
`;
