import { readFileSync } from 'node:fs';

/** The control plane's version, from its package.json (same relative place from src/ and dist/). */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
