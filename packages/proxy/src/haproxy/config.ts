import type { PickerName } from '@aurora/core';
import { type BackendSpec, defaultTimeouts, type ProxyTimeouts, type ServiceView } from '../options.js';

/** What Aurora's model says about one service, rendered for HAProxy. */
export interface HaproxyModel {
  readonly service: ServiceView;
  readonly listen: { readonly host: string; readonly port: number };
  /** Unix socket of the Runtime API (admin level), through which weights and states change without a reload. */
  readonly runtimeSocket: string;
  readonly picker?: PickerName;
  readonly localZone?: string;
  readonly healthPath?: string | false;
  readonly timeouts?: Partial<ProxyTimeouts>;
  /** HAProxy threads; HAProxy's default is one per core. */
  readonly threads?: number;
  /** Longest keep-alive pool to each server. */
  readonly maxConnectionsPerBackend?: number;
}

/**
 * HAProxy has no peak-EWMA; `random(2)` is its power-of-two-choices over outstanding connections, the nearest
 * equivalent. Consistent hashing hashes the client address.
 */
const BALANCE: Record<PickerName, string> = {
  'round-robin': 'roundrobin',
  weighted: 'roundrobin',
  'least-request': 'leastconn',
  'p2c-peak-ewma': 'random(2)',
  'consistent-hash': 'source\n  hash-type consistent',
};

/** HAProxy server names allow letters, digits and `-_.:`; anything else becomes `_`. */
export function serverName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_.:-]/g, '_');
  return name.length > 0 ? name.slice(0, 64) : '_';
}

export function backendName(service: string): string {
  return `svc_${serverName(service)}`;
}

function address(b: BackendSpec): string {
  return b.host.includes(':') ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
}

/**
 * HAProxy weights are integers 0..256; Aurora's are relative numbers, possibly fractional (a weight halved while its
 * node has an anomaly alert). They are scaled so the largest becomes 100, which keeps a half or a tenth distinct, and
 * a weight above 0 stays at least 1, since 0 would drain the server.
 */
export function haproxyWeight(weight: number, largest: number): number {
  if (!(weight > 0)) return 0;
  return Math.max(1, Math.min(256, Math.round((weight / Math.max(weight, largest)) * 100)));
}

function ms(n: number): string {
  return `${Math.round(n)}ms`;
}

/**
 * Renders a complete haproxy.cfg for one service. Servers outside the local zone are `backup` (used when no local
 * one is up): HAProxy cannot spill over on a share threshold the way the built-in proxy does.
 */
export function renderHaproxyConfig(model: HaproxyModel): string {
  const t = { ...defaultTimeouts, ...model.timeouts };
  const be = backendName(model.service.name);
  const largest = Math.max(1, ...model.service.backends.map((b) => b.weight));
  const health = model.healthPath === undefined ? '/healthz' : model.healthPath;
  const zoned = model.localZone !== undefined && model.service.backends.some((b) => b.zone === model.localZone);
  const listen = model.listen.host.includes(':')
    ? `[${model.listen.host}]:${model.listen.port}`
    : `${model.listen.host}:${model.listen.port}`;
  const lines = [
    '# Written by Aurora from its model of the service; weights and states change through the Runtime API.',
    'global',
    `  stats socket ${model.runtimeSocket} mode 600 level admin`,
    ...(model.threads ? [`  nbthread ${model.threads}`] : []),
    '',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  option forwardfor',
    '  option redispatch 1',
    '  retries 2',
    '  retry-on conn-failure empty-response',
    `  timeout connect ${ms(t.connectMs)}`,
    `  timeout http-request ${ms(t.clientHeadersMs)}`,
    `  timeout client ${ms(t.clientRequestMs)}`,
    `  timeout http-keep-alive ${ms(t.clientIdleMs)}`,
    `  timeout server ${ms(t.upstreamHeadersMs)}`,
    '',
    `frontend fe_${serverName(model.service.name)}`,
    `  bind ${listen}`,
    `  default_backend ${be}`,
    '',
    `backend ${be}`,
    `  balance ${BALANCE[model.picker ?? 'p2c-peak-ewma']}`,
    '  http-reuse always',
    ...(health ? [`  option httpchk GET ${health}`] : []),
    ...(zoned ? ['  option allbackups'] : []),
  ];
  for (const b of model.service.backends) {
    const parts = [
      `  server ${serverName(b.id)} ${address(b)}`,
      `weight ${haproxyWeight(b.weight, largest)}`,
      `pool-max-conn ${model.maxConnectionsPerBackend ?? 128}`,
      ...(health ? ['check inter 2s rise 2 fall 3'] : []),
      // Passive ejection, HAProxy's way: 5 consecutive errors seen in real traffic mark the server down.
      'observe layer7 error-limit 5 on-error mark-down',
      ...(zoned && b.zone !== model.localZone ? ['backup'] : []),
    ];
    lines.push(parts.join(' '));
  }
  return `${lines.join('\n')}\n`;
}
