import { configKeys } from '@aurora/server';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

function shown(value: unknown): string {
  if (value === undefined) return '—';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** The README's configuration table, generated from the server's own list of keys so the two never drift. */
export function configTable(): string {
  const rows = configKeys.map((k) => {
    const flag = 'flag' in k && k.flag ? ` / \`${k.flag}\`` : '';
    return `| \`${k.name}\` | \`${k.env}\`${flag} | ${shown(k.default)} | ${k.description.replaceAll('|', '\\|')} |`;
  });
  return ['| key in aurora.yaml | variable / flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** Replaces the generated block of a README with the current table. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
