/**
 * A browser's view of the admin API: it keeps the `roster_session` cookie the server sets and sends
 * the CSRF token it was given on every write, as the console does.
 */
export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export function consoleSession(origin: string) {
  let cookie: string | undefined;
  let csrfToken: string | undefined;

  async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ConsoleResponse> {
    const res = await fetch(`${origin}/api/v1${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie: `roster_session=${cookie}` } : {}),
        ...(csrfToken && !['GET', 'HEAD'].includes(method) ? { 'x-csrf-token': csrfToken } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    const match = setCookie && /^roster_session=([^;]*)/.exec(setCookie);
    if (match) cookie = match[1] || undefined;
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (typeof parsed?.csrfToken === 'string') csrfToken = parsed.csrfToken;
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  return {
    request,
    login: (email: string, password: string, headers?: Record<string, string>) => request('POST', '/session', { email, password }, headers),
    get cookie() {
      return cookie;
    },
    get csrfToken() {
      return csrfToken;
    },
    /** Sends this cookie (and no CSRF token unless given) from now on. */
    useCookie(value: string | undefined, csrf?: string) {
      cookie = value;
      csrfToken = csrf;
    },
  };
}

export type ConsoleSession = ReturnType<typeof consoleSession>;
