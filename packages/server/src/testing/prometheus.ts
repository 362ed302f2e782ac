import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, toolPath, toolSkip } from '@aurora/sdk/testing';

/**
 * Why the Prometheus tests skip on this machine, or undefined when they run.
 * With AURORA_REQUIRE_PROMETHEUS=1 a missing binary is an error instead.
 */
export const prometheusSkip = (env: NodeJS.ProcessEnv = process.env) => toolSkip('prometheus', env);

/** A child process serving HTTP on 127.0.0.1, with its data removed on stop. */
export interface ServiceProcess {
  url: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer ${url} within 60 s`);
}

function stopper(child: ChildProcess, dir?: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

/** Starts Debian's node_exporter on a free port. */
export async function startNodeExporter(): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(toolPath('prometheus', 'prometheus-node-exporter'), [`--web.listen-address=127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitFor(url, child, 'node_exporter');
  return { url, stop: stopper(child) };
}

/** Starts Prometheus with the given configuration (YAML) and a throw-away TSDB. */
export async function startPrometheus(configYaml: string): Promise<ServiceProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-prometheus-'));
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, configYaml);
  const child = spawn(
    toolPath('prometheus', 'prometheus'),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ready`, child, 'prometheus');
  return { url, stop: stopper(child, dir) };
}

/**
 * Why the Alertmanager tests skip on this machine, or undefined when they run.
 * With AURORA_REQUIRE_ALERTMANAGER=1 a missing binary is an error instead.
 */
export const alertmanagerSkip = (env: NodeJS.ProcessEnv = process.env) => toolSkip('alertmanager', env);

/** Starts Debian's Alertmanager on a free port, alone (no cluster), with the given configuration (YAML). */
export async function startAlertmanager(configYaml: string): Promise<ServiceProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-alertmanager-'));
  const port = await freePort();
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(config, configYaml);
  const child = spawn(
    toolPath('alertmanager', 'prometheus-alertmanager'),
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ready`, child, 'alertmanager');
  return { url, stop: stopper(child, dir) };
}
