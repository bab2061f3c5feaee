// A browser-like HTTP session for route tests: cookies kept, redirects not followed (tests look at them),
// sign-in through the login form, and the CSRF token of the signed-in session.
import assert from 'node:assert/strict';

export class BrowserSession {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly base: () => string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    // Pages answer in the browser's language, French when it states none: route tests read the English texts.
    if (!headers.has('Accept-Language')) headers.set('Accept-Language', 'en');
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.base()}${path}`, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }

  /** Signs in, then reads the session's CSRF token from `csrfPage`. */
  async login(email: string, password: string, csrfPage: string): Promise<void> {
    const page = await (await this.fetch('/admin-dashboard/login/')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await this.fetch('/admin-dashboard/login/', { method: 'POST', body: new URLSearchParams({ _csrf: token, email, password }) });
    assert.equal(res.status, 303, 'signed in');
    await this.refreshCsrf(csrfPage);
  }

  async refreshCsrf(page: string): Promise<void> {
    const html = await (await this.fetch(page)).text();
    this.csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.ok(this.csrf, 'the page carries a CSRF token');
  }
}
