import { ComplianceReport, ComplianceReportQuery, Problem } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { registeredRoutes } from '../../platform/http/app.js';
import { buildReport } from './controls.js';
import { collectEvidence, type EvidenceSources } from './evidence.js';

/** The compliance report: SOC 2, ISO/IEC 27001:2022 or GDPR controls judged on evidence from the running system. */
export async function registerComplianceRoutes(
  app: FastifyInstance,
  sources: Omit<EvidenceSources, 'routes'>,
): Promise<void> {
  app.get(
    '/v1/compliance/report',
    {
      schema: {
        summary: 'Controls of a framework, each pass, fail or unknown with the reason and the evidence collected now',
        tags: ['governance'],
        security: [{ admin: [] }],
        querystring: ComplianceReportQuery,
        response: { 200: ComplianceReport, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const { framework } = request.query as ComplianceReportQuery;
      const evidence = await collectEvidence({
        ...sources,
        routes: () =>
          registeredRoutes(app).map((r) => ({
            key: `${r.method} ${r.url}`,
            public: r.auth === 'public' || r.auth === 'join',
          })),
      });
      return buildReport(framework, evidence);
    },
  );
}
