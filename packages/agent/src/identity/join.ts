/**
 * Gets the node an identity: the stored credential if it joined before,
 * otherwise a join with the operator's token. A control plane that is not up
 * yet is waited for; a refused token is an error that says how to get a new one.
 */
import type { AuroraClient, JoinResponse, NodeCertificate, NodeFacts } from '@aurora/sdk';
import type { Logger } from 'pino';
import type { CompiledAgentOptions } from '../agent/options.js';
import { backoffDelay, retryPolicy } from '../loop/backoff.js';
import { classifyFailure, describeFailure } from '../loop/failures.js';
import type { AgentRuntime } from '../runtime/runtime.js';
import { untrustedServer } from '../tls/node-tls.js';
import { credentialPath, loadCredential, type StoredCredential, saveCredential } from './credential-store.js';
import { loadOrCreateJoinKey } from './join-key.js';
import { nodeNameFromHostname } from './node-name.js';

/** Everything {@link obtainIdentity} needs. */
export interface JoinContext {
  client: AuroraClient;
  config: CompiledAgentOptions;
  facts: NodeFacts;
  logger: Logger;
  runtime: AgentRuntime;
  signal: AbortSignal;
  /** Set when the control plane speaks HTTPS: every join sends a request for a fresh key and keeps the certificate. */
  tls?: JoinTls | undefined;
}

/** The TLS half of a join: a PKCS #10 request for a new key, then the certificate issued for it. */
export interface JoinTls {
  /** A request for a new key (kept in memory until {@link JoinTls.issued}). */
  request(name: string): Promise<string>;
  /** Stores the key of the last request with the certificate the control plane issued for it. */
  issued(certificate: NodeCertificate): Promise<void>;
}

async function joinRequest(ctx: JoinContext, name: string, token: string) {
  const csr = ctx.tls ? await ctx.tls.request(name) : undefined;
  // Saved before the first attempt, so every attempt of this join (even after a restart) carries the same key.
  const joinKey = await loadOrCreateJoinKey(ctx.config.stateDir);
  return { token, name, facts: ctx.facts, joinKey, ...(csr ? { csr } : {}) };
}

/** Returns the stored identity, or joins with the token and stores the result (mode 0600). */
export async function obtainIdentity(ctx: JoinContext): Promise<StoredCredential> {
  const { config, logger } = ctx;
  const stored = await loadCredential(config.stateDir);
  if (stored) {
    if (stored.server && stored.server !== config.server) {
      // Often the same control plane at a new address (a new port under `aurora up --port 0`), so no warning.
      logger.info(
        { issuedBy: stored.server, server: config.server },
        `the stored node credential was issued at another address; if this is a different control plane, ` +
          `delete ${credentialPath(config.stateDir)} and start with a new join token`,
      );
    }
    if (config.name && config.name !== stored.name) {
      logger.warn({ node: stored.name }, `already joined as "${stored.name}"; the name "${config.name}" is ignored`);
    }
    logger.info({ node: stored.name }, 'using the stored node credential');
    return stored;
  }
  if (!config.token) {
    throw new Error(
      `no node credential in ${config.stateDir} and no join token: ` +
        'create a token on the control plane ("aurora token create") and pass it with --token',
    );
  }
  const name = config.name ?? nodeNameFromHostname(ctx.facts.hostname);
  return storeJoin(ctx, await joinWithRetry(ctx, name, config.token));
}

/**
 * Joins again under `name` with the configured token, once, when the stored
 * credential was refused (say the control plane's database was rebuilt).
 * Throws what the join throws; the caller falls back to telling the operator.
 */
export async function rejoin(ctx: JoinContext, name: string, token: string): Promise<StoredCredential> {
  return storeJoin(ctx, await ctx.client.join(await joinRequest(ctx, name, token)));
}

async function storeJoin(ctx: JoinContext, joined: JoinResponse): Promise<StoredCredential> {
  const { config, logger } = ctx;
  if (ctx.tls) {
    if (!joined.certificate) throw new Error(`${config.server} speaks HTTPS but issued no client certificate at join`);
    await ctx.tls.issued(joined.certificate);
  }
  const credential: StoredCredential = {
    nodeId: joined.nodeId,
    name: joined.name,
    credential: joined.credential,
    server: config.server,
    joinedAt: new Date(ctx.runtime.clock()).toISOString(),
    ...(joined.servers ? { servers: joined.servers } : {}),
  };
  await saveCredential(config.stateDir, credential);
  logger.info({ node: joined.name, nodeId: joined.nodeId }, 'joined the cluster');
  return credential;
}

async function joinWithRetry(ctx: JoinContext, name: string, token: string) {
  const { client, config, logger, runtime, signal } = ctx;
  const policy = retryPolicy(config.intervalMs, config.maxBackoffMs);
  const body = await joinRequest(ctx, name, token);
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.join(body);
    } catch (error) {
      const untrusted = untrustedServer(error);
      if (untrusted) {
        throw new Error(
          `the certificate of ${config.server} is not trusted (${untrusted}): it must come from the pinned cluster CA ` +
            'and name the address in --server; if the operator supplied it (--tls-cert), pass its CA with --server-ca FILE',
        );
      }
      if (classifyFailure(error) !== 'unreachable') {
        throw new Error(
          `joining as "${name}" was refused by ${config.server}: ${describeFailure(error)}. ` +
            'Check that the join token is valid and unused (create one with "aurora token create"), ' +
            'and that no other node already has this name (choose one with --name)',
        );
      }
      const delayMs = backoffDelay(policy, attempt, runtime.random);
      logger.warn({ attempt, delayMs, err: describeFailure(error) }, 'control plane unreachable, retrying the join');
      await runtime.sleep(delayMs, signal);
      if (signal.aborted) throw new Error('the agent was stopped before it could join');
    }
  }
}
