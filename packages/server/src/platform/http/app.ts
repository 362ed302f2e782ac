import { randomUUID } from 'node:crypto';
import type { ServerOptions as SecureServerOptions } from 'node:https';
import { Node, NodeState, Problem } from '@aurora/sdk';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
  LogController,
} from 'fastify';
import { SERVER_VERSION } from '../../version.js';
import { type Authenticator, type AuthKind, decoratePrincipal, installAuth } from './auth.js';
import { defaultConsoleDir, markPublic, registerConsole } from './console-static.js';
import { AuroraError } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import { sendProblem } from './problem.js';
import { installProtection, type RateLimitOptions } from './protection.js';
import { installUnknownFieldWarnings, validatorFactory } from './validation.js';

/** What the HTTP layer needs from the rest of the control plane. */
export interface HttpOptions {
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  auth: Authenticator;
  /** Requests per window one credential (or, without one, one address) may send. */
  rateLimit: RateLimitOptions;
  metrics: ServerMetrics;
  /** Whether the store answers and is migrated (for /readyz). */
  ready(): Promise<boolean>;
  /** Directory of the built console; defaults to packages/console/dist. */
  consoleDir?: string;
  /** HTTPS options (key, certificate, client CA); plain HTTP without them. */
  https?: SecureServerOptions | undefined;
  /** Called before every answer leaves (the audit trail); a failure fails the answer. */
  recordRequest?(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/** Longest path parameter a route accepts; longer ones answer 414 before any handler runs. */
export const MAX_PARAM_LENGTH = 256;

/** One registered route as Fastify's onRoute hook saw it: its schema and who may call it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  /** `config.auth` of the route; undefined means the default, the admin token. */
  auth: AuthKind | undefined;
}

const routeTables = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered on an app built by {@link createHttpApp}, as Fastify's onRoute hook saw it. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return routeTables.get(app) ?? [];
}

/** Problem responses documented on every route. */
export const problemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  413: Problem,
} as const;

/**
 * Builds the HTTP application: type provider, problem+json errors, body
 * limit, authentication hook, metrics, OpenAPI 3.1 and docs, health probes
 * and the console. Capabilities add their routes with `app.register`.
 */
export async function createHttpApp(options: HttpOptions): Promise<FastifyInstance> {
  // Fastify types an HTTPS instance apart from an HTTP one; the routes, hooks and tests are the same for both.
  const app = Fastify({
    ...((options.https ? { https: options.https } : {}) as object),
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    genReqId: () => randomUUID(),
    // Heartbeats and probes would drown the log at fleet scale (/metrics counts them instead);
    // the event stream may carry its token in the query string, which must never reach a log.
    logController: new LogController({
      disableRequestLogging: (request) =>
        /^\/(v1\/agent\/heartbeat|v1\/events|healthz|readyz|metrics)/.test(request.url),
    }),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors Fastify raises before routing (a path segment past maxParamLength, a malformed URL) are problems too.
    frameworkErrors: (error, request, reply) => {
      const aurora =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AuroraError(
              'AURORA_URI_TOO_LONG',
              `a path segment is longer than ${MAX_PARAM_LENGTH} characters (maxParamLength); names and ids are far shorter`,
              'url',
            )
          : new AuroraError('AURORA_BAD_REQUEST', 'the URL could not be parsed', 'url');
      sendProblem(aurora, request, reply);
    },
    // Bodies are validated without type coercion, query strings and paths with it (see validation.ts).
    schemaController: { compilersFactory: { buildValidator: validatorFactory } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const table: RegisteredRoute[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    // Read when asked: hooks of inner scopes (markPublic) still change config and schema after this one ran.
    for (const method of [route.method].flat()) {
      table.push({
        method,
        url: route.url,
        get schema() {
          return route.schema;
        },
        get auth() {
          return (route.config as { auth?: AuthKind } | undefined)?.auth;
        },
      });
    }
  });
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  options.metrics.install(app);
  // PostgreSQL text cannot hold NUL; refuse it in paths and queries before any handler sees it.
  app.addHook('onRequest', async (request) => {
    if (request.url.includes('\u0000') || /%00/.test(request.url)) {
      throw new AuroraError('AURORA_VALIDATION_FAILED', 'url: must not contain the NUL character (%00)', 'url');
    }
  });
  decoratePrincipal(app);
  await installProtection(app, options.rateLimit);
  installAuth(app, options.auth);
  const record = options.recordRequest;
  if (record) {
    app.addHook('onSend', async (request, reply, payload) => {
      await record(request, reply);
      return payload;
    });
  }
  installUnknownFieldWarnings(app);
  app.addSchema(NodeState);
  app.addSchema(Node);
  app.addSchema(Problem);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Aurora control plane API',
        version: SERVER_VERSION,
        description: 'Errors are RFC 9457 application/problem+json documents with a stable `code`.',
      },
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer', description: 'admin token' },
          node: { type: 'http', scheme: 'bearer', description: 'node credential from POST /v1/join' },
        },
      },
    },
  });
  await app.register(async (scope) => {
    markPublic(scope);
    await scope.register(swaggerUi, { routePrefix: '/docs' });
  });

  app.get('/v1/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const ready = await options.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
  );
  await registerConsole(app, options.consoleDir ?? defaultConsoleDir);
  return app;
}
