import { html, type SafeHtml } from './html.js';
import type { Session } from './auth.js';

export type Section = 'conversations' | 'compose' | 'health' | 'queue' | 'quarantine' | 'settings' | 'login' | 'none';

export interface PageOptions {
  readonly title: string;
  readonly section: Section;
  readonly session: Session | null;
  /** What the page listens for on /events (see assets.ts): `threads`, `thread:<id>`, `message:<id>`, `health`. */
  readonly live?: string;
  /** The logout button is shown only when a login is required. */
  readonly loginRequired?: boolean;
}

const NAV: readonly [Section, string, string][] = [
  ['conversations', '/', 'Messages'],
  ['compose', '/compose', 'New'],
  ['health', '/health', 'Box'],
  ['queue', '/queue', 'Queue'],
  ['quarantine', '/quarantine', 'Quarantine'],
  ['settings', '/settings', 'Settings'],
];

/** A complete page: no inline script or style (the CSP forbids both), one CSS and one JS file from the box. */
export function page(o: PageOptions, body: SafeHtml): SafeHtml {
  const nav = o.session
    ? html`<nav>${NAV.map(([s, href, label]) => html`<a href="${href}"${s === o.section ? html` aria-current="page"` : ''}>${label}</a> `)}</nav>
      ${o.loginRequired ? html`<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${o.session.csrf}"><button type="submit">Log out</button></form>` : ''}`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${o.title} — mmsgw</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body${o.live ? html` data-live="${o.live}"` : ''}>
<header><span class="brand">mmsgw</span>${nav}</header>
<main>
${body}
</main>
</body>
</html>`;
}

/** A small error page (no session needed). */
export function errorPage(status: number, text: string): SafeHtml {
  return page({ title: `Error ${status}`, section: 'none', session: null }, html`<h1>Error ${status}</h1><p>${text}</p><p><a href="/">Back to the messages</a></p>`);
}

/** The hidden CSRF field of a form. */
export function csrfField(s: Session | null): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${s?.csrf ?? ''}">`;
}
