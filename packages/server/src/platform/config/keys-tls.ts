import type { ConfigKey } from './keys.js';
import { duration, type Parser, text } from './parsers.js';

const boolean: Parser<boolean> = (raw) => {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (['true', 'on', 'yes', '1'].includes(s)) return { ok: true, value: true };
  if (['false', 'off', 'no', '0'].includes(s)) return { ok: true, value: false };
  return { ok: false, expected: 'must be true or false' };
};

const names: Parser<string[]> = (raw) => {
  const items =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : raw;
  const expected = 'must be a list of DNS names or IP addresses (comma-separated in the variable or flag)';
  if (!Array.isArray(items)) return { ok: false, expected };
  for (const item of items) {
    if (typeof item !== 'string' || !/^[A-Za-z0-9*.:_-]{1,253}$/.test(item)) return { ok: false, expected };
  }
  return { ok: true, value: items as string[] };
};

/** Keys of transport security: HTTPS for everyone, mutual TLS for agents. */
export const tlsKeys = [
  {
    name: 'tls',
    env: 'AURORA_TLS',
    flag: '--tls',
    default: false,
    description:
      'serve HTTPS with a certificate from the cluster CA (made at first start, its key encrypted under keyFile) and require client certificates on agent routes; needed to listen beyond loopback',
    parse: boolean,
  } satisfies ConfigKey<boolean>,
  {
    name: 'tlsCertFile',
    env: 'AURORA_TLS_CERT',
    flag: '--tls-cert',
    default: undefined,
    description:
      'PEM certificate (chain) to serve instead of one from the cluster CA; turns TLS on; give tlsKeyFile with it',
    parse: text(undefined, 'must be a file path'),
  } satisfies ConfigKey<string>,
  {
    name: 'tlsKeyFile',
    env: 'AURORA_TLS_KEY',
    flag: '--tls-key',
    default: undefined,
    description: 'PEM private key of tlsCertFile',
    parse: text(undefined, 'must be a file path'),
  } satisfies ConfigKey<string>,
  {
    name: 'tlsSans',
    env: 'AURORA_TLS_SANS',
    flag: '--tls-san',
    default: [],
    description:
      "DNS names and IP addresses the cluster CA puts in the server certificate (the names agents use to reach this control plane), besides localhost, 127.0.0.1, ::1, this machine's hostname and host unless it is 0.0.0.0 or ::",
    parse: names,
  } satisfies ConfigKey<string[]>,
  {
    name: 'agentCertTtlMs',
    env: 'AURORA_AGENT_CERT_TTL',
    default: 86_400_000,
    description:
      'lifetime of the client certificate a node gets at join and at each renewal; agents renew after two thirds of it',
    parse: duration(10_000),
  } satisfies ConfigKey<number>,
];
