/** Browser origins a business lets embed its portal (the CORS allow-list). */
import { invalidRequest } from './errors.ts';

/**
 * The serialized origin (`scheme://host[:port]`) of an http(s) URL. Paths are rejected rather
 * than silently dropped, so a typo does not widen or narrow the list unnoticed.
 */
export function normalizeOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalidRequest(`allowed origin "${input}" is not a URL`, [{ path: 'allowed_origins', message: 'must be an origin such as https://app.example.com' }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidRequest(`allowed origin "${input}" must be http or https`, [{ path: 'allowed_origins', message: 'must be http or https' }]);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw invalidRequest(`allowed origin "${input}" must be an origin without path, query or credentials`, [
      { path: 'allowed_origins', message: 'must be an origin such as https://app.example.com' },
    ]);
  }
  return url.origin;
}
