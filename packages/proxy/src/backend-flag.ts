import type { BackendSpec } from './options.js';

/**
 * Parses one static backend as written on the command line: `HOST:PORT[,zone=Z][,weight=W][,id=ID]`
 * (IPv6 hosts in brackets). Returns an error message instead of throwing so callers can name their flag.
 */
export function parseBackend(text: string): BackendSpec | string {
  const [address, ...options] = text.split(',');
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(address ?? '');
  if (!m) return `"${text}" is not HOST:PORT[,zone=Z][,weight=W][,id=ID]`;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  const port = Number(m[2]);
  if (port < 1 || port > 65_535) return `port ${port} in "${text}" is outside 1..65535`;
  let zone: string | undefined;
  let weight = 1;
  let id = `${host}:${port}`;
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = option.slice(0, eq);
    const value = option.slice(eq + 1);
    if (eq <= 0 || value === '') return `"${option}" in "${text}" is not key=value`;
    if (key === 'zone') zone = value;
    else if (key === 'id') id = value;
    else if (key === 'weight') {
      weight = Number(value);
      if (!Number.isFinite(weight) || weight < 0 || weight > 1_000)
        return `weight "${value}" in "${text}" is not 0..1000`;
    } else return `unknown option "${key}" in "${text}" (zone, weight or id)`;
  }
  return { id, host, port, weight, ...(zone ? { zone } : {}) };
}

/** Parses `HOST:PORT` (or `:PORT`, `PORT`) for --listen; the host defaults to 127.0.0.1. */
export function parseListen(text: string): { host: string; port: number } | string {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):)?(\d{1,5})$/.exec(text);
  if (!m) return `"${text}" is not HOST:PORT`;
  const port = Number(m[2]);
  if (port > 65_535) return `port ${port} is outside 0..65535`;
  const host = m[1] ? (m[1].startsWith('[') ? m[1].slice(1, -1) : m[1]) : '127.0.0.1';
  return { host, port };
}
