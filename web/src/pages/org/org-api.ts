/** The API client's verbs, with PUT (the organization layer's default-group route) beside them. */
import { api } from '../../lib/api.ts';

export { del, get, patch, post, qs } from '../../lib/api.ts';
export const put = <T = unknown>(path: string, body: unknown) => api<T>('PUT', path, body);
