// The one HTTP client of the route tests: what a browser sends, without the browser. Cookies are kept (and
// dropped when the server expires them), redirects are not followed (tests look at them), sign-in goes through
// the login form, and the signed-in session's CSRF token is read from a page as a browser's script would.
import assert from 'node:assert/strict';

/** A finished response with its body read: `text` as received, `json()` parsing it on demand. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  json<T = unknown>(): T;
}

/** Form fields as an object, or as pairs when a name repeats (e.g. several `columns`). */
export type FormFields = Record<string, string> | [string, string][];

export class HttpSession {
  readonly cookies = new Map<string, string>();
  /** The CSRF token read by `refreshCsrf` / `signIn`: what a form's hidden `_csrf` field carries. */
  csrf = '';
  private readonly baseOf: () => string;

  /**
   * `base`: the server's origin, or a function giving it (for a server started after the session is made).
   * `defaultHeaders` go with every request (e.g. the X-Forwarded-* of a reverse proxy).
   */
  constructor(
    base: string | (() => string),
    readonly defaultHeaders: Record<string, string> = {},
  ) {
    this.baseOf = typeof base === 'string' ? () => base : base;
  }

  get base(): string {
    return this.baseOf();
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request with the session's cookies; the response's Set-Cookie headers update the jar. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    // Pages answer in the browser's language, French when it states none: route tests read the English texts.
    for (const [k, v] of Object.entries({ 'Accept-Language': 'en', ...this.defaultHeaders })) if (!headers.has(k)) headers.set(k, v);
    if (this.cookies.size) headers.set('Cookie', this.cookieHeader());
    // A stream body goes chunked (no Content-Length), which fetch only does with duplex 'half'.
    const streaming = init.body instanceof ReadableStream ? { duplex: 'half' } : {};
    const res = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual', ...streaming } as RequestInit);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** `fetch` with the body read into a Reply; `form` is sent as application/x-www-form-urlencoded. */
  async request(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Buffer | ReadableStream<Uint8Array>; form?: FormFields } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    let body: RequestInit['body'] = init.body as RequestInit['body'];
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await this.fetch(path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location'), json: <T>() => JSON.parse(text) as T };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('GET', path, { headers });
  }

  post(path: string, form: FormFields, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', path, { form, headers });
  }

  /** A form post as the page's form sends it: the session's CSRF token (`csrf`) first, then `fields`. */
  postForm(path: string, fields: FormFields = {}, headers: Record<string, string> = {}): Promise<Response> {
    const pairs: [string, string][] = [['_csrf', this.csrf], ...(Array.isArray(fields) ? fields : Object.entries(fields))];
    return this.fetch(path, { method: 'POST', headers, body: new URLSearchParams(pairs) });
  }

  /** The CSRF token of the signed-in session, read from a page's <meta name="csrf-token">. */
  async csrfToken(path = '/admin-dashboard/account/'): Promise<string> {
    const page = await this.get(path);
    const m = /<meta name="csrf-token" content="([^"]*)"/.exec(page.text);
    if (!m?.[1]) throw new Error(`no csrf token on ${path} (status ${page.status})`);
    return m[1];
  }

  /** Reads the session's CSRF token from `page` into `csrf`; fails the test when the page carries none. */
  async refreshCsrf(page = '/admin-dashboard/account/'): Promise<void> {
    this.csrf = await this.csrfToken(page);
    assert.ok(this.csrf, 'the page carries a CSRF token');
  }

  /** Signs in through the login form, as a browser would, and answers the form post's reply. */
  async login(email: string, password: string, next?: string): Promise<Reply> {
    // Already signed in, the login page redirects: fetch the form without the session cookie, then post with it
    // (re-signing in must replace the session, which is what the renewal test checks).
    const sid = [...this.cookies].filter(([k]) => k === 'sid' || k === '__Host-sid');
    for (const [k] of sid) this.cookies.delete(k);
    const form = await this.get(`/admin-dashboard/login/${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    for (const [k, v] of sid) this.cookies.set(k, v);
    const m = /name="_csrf" value="([^"]*)"/.exec(form.text);
    return this.post('/admin-dashboard/login/', { _csrf: m?.[1] ?? '', email, password, next: next ?? '' });
  }

  /** Signs in (the test fails unless the login form redirects), then reads the CSRF token from `csrfPage`. */
  async signIn(email: string, password: string, csrfPage = '/admin-dashboard/account/'): Promise<void> {
    const res = await this.login(email, password);
    assert.equal(res.status, 303, `signed in as ${email}`);
    await this.refreshCsrf(csrfPage);
  }
}

/** The session cookie's value (its name depends on whether the server runs behind HTTPS). */
export function sessionCookie(s: HttpSession): string | undefined {
  return s.cookies.get('sid') ?? s.cookies.get('__Host-sid');
}
