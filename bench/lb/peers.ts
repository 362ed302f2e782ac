import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHaproxyConfig } from '@aurora/proxy';

/** Debian installs nginx and HAProxy in /usr/sbin, which is not on every PATH. */
export function binary(name: string): string | undefined {
  for (const candidate of [name, `/usr/sbin/${name}`, `/usr/bin/${name}`]) {
    if (spawnSync(candidate, name === 'wrk' ? ['--version'] : ['-v'], { stdio: 'ignore' }).error === undefined)
      return candidate;
  }
  return undefined;
}

export type NginxMethod = 'round_robin' | 'least_conn';
export type HaproxyBalance = 'roundrobin' | 'leastconn';

/** nginx as its users would write it for a keep-alive upstream: one worker per core, 128 idle upstream connections. */
export function nginxConfig(
  dir: string,
  port: number,
  backends: number[],
  method: NginxMethod,
  workers: number,
): string {
  const file = path.join(dir, 'nginx.conf');
  const root = process.getuid?.() === 0;
  writeFileSync(
    file,
    `${root ? 'user root;\n' : ''}worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream backends {
    ${method === 'least_conn' ? 'least_conn;' : ''}
${backends.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  return file;
}

/** HAProxy with its defaults (retries 3, no redispatch), keep-alive both ways and an active check per server. */
export function haproxyConfig(
  dir: string,
  port: number,
  backends: number[],
  balance: HaproxyBalance,
  threads: number,
): string {
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    file,
    `global
  nbthread ${threads}
defaults
  mode http
  option http-keep-alive
  timeout connect 1s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  balance ${balance}
  option httpchk GET /healthz
${backends.map((p, i) => `  server s${i + 1} 127.0.0.1:${p} check`).join('\n')}
`,
  );
  return file;
}

/** HAProxy configured by Aurora's adapter from the service model, with its Runtime API socket. */
export function auroraHaproxyConfig(dir: string, port: number, backends: number[], threads: number): string {
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    file,
    renderHaproxyConfig({
      service: {
        name: 'bench',
        backends: backends.map((p, i) => ({ id: `b${i + 1}`, host: '127.0.0.1', port: p, weight: 1 })),
      },
      listen: { host: '127.0.0.1', port },
      runtimeSocket: path.join(dir, 'admin.sock'),
      threads,
    }),
  );
  return file;
}
