/**
 * Text that nodes supply (hostnames, labels, zones, token descriptions) is
 * printed to operators' terminals; raw control characters in it could clear
 * the screen (ESC[2J), ring the bell or, with bidirectional overrides such as
 * U+202E, make a line read differently from what it contains. The CLI prints
 * such characters as visible escapes instead.
 */

// C0 controls and DEL, C1 controls, bidirectional marks, embeddings, overrides and isolates, and the
// Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control and bidirectional formatting character written
 * as an escape (`\x1b`, `\u202e`), so it shows as the characters it holds.
 *
 * @example
 * terminalSafe('web\u001b[2J\u202e1') // 'web\\x1b[2J\\u202e1'
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
