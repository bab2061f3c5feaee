// A tiny HTTP client with a cookie jar: what a browser sends, without the browser, for route-level tests.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  json<T = unknown>(): T;
}

export class HttpSession {
  readonly cookies = new Map<string, string>();

  /** `defaultHeaders` go with every request (e.g. the X-Forwarded-* of a reverse proxy). */
  constructor(
    readonly base: string,
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Buffer | ReadableStream<Uint8Array>; form?: Record<string, string> } = {}): Promise<Reply> {
    // Pages answer in the browser's language, French when it states none: route tests read the English texts.
    const headers: Record<string, string> = { 'Accept-Language': 'en', ...this.defaultHeaders, ...init.headers };
    if (this.cookies.size) headers.Cookie = this.cookieHeader();
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    // A stream body goes chunked (no Content-Length), which fetch only does with duplex 'half'.
    const streaming = body instanceof ReadableStream ? { duplex: 'half' } : {};
    const res = await fetch(new URL(path, this.base), { method, headers, body, redirect: 'manual', ...streaming } as RequestInit);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location'), json: <T>() => JSON.parse(text) as T };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('GET', path, { headers });
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', path, { form, headers });
  }

  /** The CSRF token of the signed-in session, read from a page's <meta name="csrf-token">. */
  async csrfToken(path = '/admin-dashboard/account/'): Promise<string> {
    const page = await this.get(path);
    const m = /<meta name="csrf-token" content="([^"]*)"/.exec(page.text);
    if (!m?.[1]) throw new Error(`no csrf token on ${path} (status ${page.status})`);
    return m[1];
  }

  /** Signs in through the login form, as a browser would. */
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
}

export function sessionCookie(s: HttpSession): string | undefined {
  return s.cookies.get('sid') ?? s.cookies.get('__Host-sid');
}
