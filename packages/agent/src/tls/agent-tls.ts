/**
 * Mutual TLS for the agent: trust the pinned cluster CA, join with a request
 * for a fresh key, present the issued certificate on every connection, and
 * renew it for a new key after two thirds of its lifetime. Certificate times
 * are the wall clock's (Date.now), since the control plane checks them by its own.
 */
import type { AuroraClient } from '@aurora/sdk';
import type { Logger } from 'pino';
import type { CompiledAgentOptions } from '../agent/options.js';
import type { AgentFetch } from '../http/agent-fetch.js';
import { credentialPath } from '../identity/credential-store.js';
import type { JoinTls } from '../identity/join.js';
import { describeFailure } from '../loop/failures.js';
import type { AgentRuntime } from '../runtime/runtime.js';
import { loadNodeCertificate, newKeyRequest, renewAt, saveNodeCertificate, trustClusterCa } from './node-tls.js';

/** The agent's TLS state for an https:// control plane. */
export interface AgentTls {
  /** What a join needs: a request for a fresh key, and where the certificate goes. */
  join: JoinTls;
  /** Presents the stored certificate from now on; a node that joined over plain HTTP has none, which is an error. */
  useStored(): Promise<void>;
  /** The certificate presented now, and when this process started presenting it (ms). */
  current(): { key: string; cert: string; since: number } | undefined;
  /** Stores a renewed key and certificate and presents them from now on. */
  replace(key: string, cert: string): Promise<void>;
}

/** Sets up TLS when the server is https://: the cluster CA is trusted (pinned) before anything else is sent. */
export async function prepareTls(
  config: CompiledAgentOptions,
  givenCa: string | undefined,
  pool: AgentFetch | undefined,
  signal: AbortSignal,
  serverCa?: string | undefined,
): Promise<AgentTls | undefined> {
  if (!config.server.startsWith('https:')) return undefined;
  if (!pool)
    throw new Error("an https:// control plane needs the agent's own connections (leave the fetch option out)");
  const clusterCa = await trustClusterCa({
    server: config.server,
    stateDir: config.stateDir,
    pin: config.caHash,
    given: givenCa,
    signal,
  });
  // The server's certificate chains to the cluster CA, or to the operator's CA when they supplied it.
  const ca = serverCa ? [clusterCa, serverCa] : clusterCa;
  pool.setTls({ ca });
  let presented: { key: string; cert: string; since: number } | undefined;
  let pendingKey: string | undefined;
  const present = (key: string, cert: string) => {
    presented = { key, cert, since: Date.now() };
    pool.setTls({ ca, cert, key });
  };
  return {
    join: {
      async request(name) {
        const made = await newKeyRequest(name);
        pendingKey = made.key;
        return made.csr;
      },
      async issued(certificate) {
        if (!pendingKey) throw new Error('a certificate arrived for no request');
        await saveNodeCertificate(config.stateDir, pendingKey, certificate.certificate);
        present(pendingKey, certificate.certificate);
        pendingKey = undefined;
      },
    },
    async useStored() {
      const stored = await loadNodeCertificate(config.stateDir);
      if (!stored) {
        throw new Error(
          `this node joined over plain HTTP and has no client certificate for ${config.server}: ` +
            `delete ${credentialPath(config.stateDir)} and start the agent with a new join token`,
        );
      }
      present(stored.key, stored.cert);
    },
    current: () => presented,
    async replace(key, cert) {
      await saveNodeCertificate(config.stateDir, key, cert);
      present(key, cert);
    },
  };
}

/**
 * Renews the client certificate after two thirds of its lifetime, for a new
 * key each time, over mutual TLS with the current one. A failed renewal is
 * retried within the remaining third (every tenth of it, 1 s to 1 min); once the
 * certificate has expired, heartbeats are refused and the agent joins again
 * with its token when it has one.
 */
export async function renewLoop(deps: {
  tls: AgentTls;
  client: AuroraClient;
  config: CompiledAgentOptions;
  runtime: AgentRuntime;
  log: Logger;
  signal: AbortSignal;
  name: () => string;
}): Promise<void> {
  const { tls, client, runtime, log, signal } = deps;
  while (!signal.aborted) {
    const current = tls.current();
    if (!current) return;
    const { renewAtMs, notAfterMs } = renewAt(current.cert, current.since);
    await runtime.sleep(Math.max(0, renewAtMs - Date.now()), signal);
    if (signal.aborted) return;
    // A rejoin may have replaced the certificate while this loop slept.
    if (tls.current()?.cert !== current.cert) continue;
    try {
      const made = await newKeyRequest(deps.name());
      const issued = await client.renewCertificate({ csr: made.csr });
      await tls.replace(made.key, issued.certificate);
      log.info({ expiresAt: issued.certificateExpiresAt }, 'client certificate renewed');
    } catch (err) {
      if (signal.aborted) return;
      const retryMs = Math.min(60_000, Math.max(1_000, (notAfterMs - Date.now()) / 10));
      log.warn({ err: describeFailure(err), retryMs }, 'renewing the client certificate failed; retrying');
      await runtime.sleep(retryMs, signal);
    }
  }
}
