import type { IncomingMessage } from 'node:http';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1); never forwarded either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']);

/** Names listed in a Connection header are hop-by-hop for that message too. */
function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (!value) return undefined;
  const tokens = value
    .toLowerCase()
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0 && t !== 'close' && t !== 'keep-alive');
  return tokens.length > 0 ? new Set(tokens) : undefined;
}

function forwardedFor(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}

/**
 * The request head sent upstream, as a flat [name, value, ...] list: hop-by-hop headers removed, and the client named
 * in X-Forwarded-For/-Proto/-Host and RFC 7239 Forwarded. Unless `trustForwarded`, what the client claimed in those
 * headers is dropped first, since at the edge anyone can write them. `keepUpgrade` keeps Connection/Upgrade for
 * protocol switches.
 */
export function upstreamHeaders(req: IncomingMessage, trustForwarded: boolean, keepUpgrade = false): string[] {
  const raw = req.rawHeaders;
  const listed = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let priorFor: string | undefined;
  let priorForwarded: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) {
      if (keepUpgrade && (lower === 'upgrade' || lower === 'connection')) out.push(name, raw[i + 1]!);
      continue;
    }
    if (listed?.has(lower)) continue;
    if (FORWARDING.has(lower)) {
      if (!trustForwarded) continue;
      if (lower === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${raw[i + 1]}` : raw[i + 1];
      else if (lower === 'forwarded') priorForwarded = priorForwarded ? `${priorForwarded}, ${raw[i + 1]}` : raw[i + 1];
      else out.push(name, raw[i + 1]!);
      continue;
    }
    out.push(name, raw[i + 1]!);
  }
  const ip = req.socket.remoteAddress ?? 'unknown';
  const host = req.headers.host;
  out.push('x-forwarded-for', priorFor ? `${priorFor}, ${ip}` : ip);
  if (!trustForwarded || req.headers['x-forwarded-proto'] === undefined) out.push('x-forwarded-proto', 'http');
  if (host && (!trustForwarded || req.headers['x-forwarded-host'] === undefined)) out.push('x-forwarded-host', host);
  const element = `for=${forwardedFor(ip)};proto=http${host ? `;host="${host.replace(/["\\]/g, '')}"` : ''}`;
  out.push('forwarded', priorForwarded ? `${priorForwarded}, ${element}` : element);
  return out;
}

/** The response head sent to the client from undici's raw header buffers, hop-by-hop headers removed. */
export function downstreamHeaders(raw: Buffer[]): string[] {
  const out: string[] = [];
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toString('latin1').toLowerCase() === 'connection') {
      listed = connectionTokens(raw[i + 1]!.toString('latin1'));
    }
  }
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}
