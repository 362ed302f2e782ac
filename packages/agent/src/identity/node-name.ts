/**
 * Node names as the control plane accepts them: lowercase letters, digits,
 * dots and dashes, starting and ending alphanumeric, at most 63 characters
 * (the same shape as a DNS label, so names can appear in hostnames).
 */

/** The pattern from the join contract. */
export const NODE_NAME_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const MAX_NAME = 63;

/**
 * Derives a valid node name from a hostname: lowercased, invalid characters
 * replaced by dashes, trimmed to 63 characters; `node` if nothing usable is left.
 *
 * @example
 * nodeNameFromHostname('Build_Box-01.Local') // 'build-box-01.local'
 */
export function nodeNameFromHostname(hostname: string): string {
  const name = hostname
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, MAX_NAME)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name.length > 0 ? name : 'node';
}

/** Checks an operator-chosen name, with an error that says what a valid one looks like. */
export function validateNodeName(name: string): string {
  if (name.length > MAX_NAME || !NODE_NAME_PATTERN.test(name)) {
    throw new Error(
      `name "${name}" is not a valid node name: use at most ${MAX_NAME} lowercase letters, digits, '.' or '-', ` +
        'starting and ending with a letter or digit (e.g. "web-01")',
    );
  }
  return name;
}
