/** A control plane URL as the agent compares and joins it: without trailing slashes. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
