/** A client of the admin API (`/api/v1`) with one admin key; a string body is sent as it is (malformed JSON tests). */
export function adminApi(origin: string, key: string) {
  return async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${origin}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
  };
}

export type AdminApi = ReturnType<typeof adminApi>;

/** One call to the admin API with an admin key. */
export function adminRequest(origin: string, key: string, method: string, path: string, body?: unknown) {
  return adminApi(origin, key)(method, path, body);
}
