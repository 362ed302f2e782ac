import { ClusterCaView } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import type { ClusterCa } from './cluster-ca.js';

/**
 * GET /v1/cluster/ca is public: it carries no secret, and an agent fetches it
 * before it can trust the server, then checks its fingerprint against the one
 * its join command pins (as kubeadm checks --discovery-token-ca-cert-hash).
 */
export function registerPkiRoutes(app: FastifyInstance, ca: ClusterCa, tls: boolean): void {
  app.get(
    '/v1/cluster/ca',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'The cluster CA certificate and its fingerprint',
        tags: ['agent'],
        response: { 200: ClusterCaView },
      },
    },
    async () => ({ certificate: ca.certificatePem, fingerprint: ca.fingerprint, tls }),
  );
}
