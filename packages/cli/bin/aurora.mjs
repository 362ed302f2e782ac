#!/usr/bin/env node
// The `aurora` command. This launcher lives outside dist/ so npm can link it
// before the first build; it loads the compiled CLI, or says how to build it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('aurora: the CLI is not built yet; run `npm install` (or `npm run build`) in the checkout\n');
  process.exit(1);
}
await import(main.href);
