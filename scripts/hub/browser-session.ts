/**
 * What a browser does for one student against the hub, with plain HTTP: a cookie jar, redirects
 * followed by hand (so that every Set-Cookie along JupyterHub's OAuth hops is kept), and the
 * _xsrf token that the Jupyter server asks of API requests authenticated by cookie.
 */
export interface PageResponse {
  status: number;
  url: string;
  contentType: string;
  body: string;
}

export class BrowserSession {
  private readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** The value of a cookie the session holds (for example `_xsrf`). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie header a browser would send (one host, so every cookie). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keepCookies(headers: Headers): void {
    // Node 20 has Headers.getSetCookie (one entry per cookie); its bundled types do not list it yet.
    for (const line of (headers as Headers & { getSetCookie(): string[] }).getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '""') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, following redirects like a browser (a 302 after a POST becomes a GET). */
  async request(pathOrUrl: string, init: { method?: string; body?: string; headers?: Record<string, string>; form?: Record<string, string>; follow?: boolean } = {}): Promise<PageResponse> {
    let url = new URL(pathOrUrl, this.origin).toString();
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : init.body;
    const headers: Record<string, string> = { ...init.headers };
    if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    for (let hop = 0; hop < 12; hop++) {
      const xsrf = this.cookies.get('_xsrf');
      const response = await fetch(url, {
        method,
        body,
        redirect: 'manual',
        headers: {
          ...headers,
          Cookie: this.cookieHeader(),
          Referer: `${this.origin}/hub/`,
          ...(xsrf && method !== 'GET' ? { 'X-XSRFToken': xsrf } : {}),
        },
      });
      this.keepCookies(response.headers);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && init.follow !== false) {
        await response.arrayBuffer();
        url = new URL(location, url).toString();
        if (response.status !== 307 && response.status !== 308) {
          method = 'GET';
          body = undefined;
          delete headers['Content-Type'];
        }
        continue;
      }
      return { status: response.status, url, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    }
    throw new Error(`Too many redirects from ${pathOrUrl}`);
  }

  /** A JSON API request; fails with the status and body when the answer is not the expected status. */
  async json<T>(path: string, init: { method?: string; body?: unknown; expect?: number } = {}): Promise<T> {
    const response = await this.request(path, {
      method: init.method,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
    });
    const expected = init.expect ?? 200;
    if (response.status !== expected) {
      throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} (expected ${expected}) at ${response.url}: ${response.body.slice(0, 300)}`);
    }
    return JSON.parse(response.body) as T;
  }
}
