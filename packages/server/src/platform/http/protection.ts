import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashSecret } from './auth.js';
import { AuroraError } from './errors.js';

/** How many requests one caller may send per window before 429. */
export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

/**
 * Who a request is counted against: its bearer credential when it sends one
 * (each agent, user session and API token has its own budget, so thousands
 * of agents heartbeating through one NAT do not share one), else its address.
 * Decided before authentication, so floods are refused before any lookup; a
 * stream of made-up credentials is held back by the failed-authentication
 * limit per address instead.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  return bearer ? `credential:${hashSecret(bearer).slice(0, 32)}` : `address:${request.ip}`;
}

/**
 * Security headers on every answer (a CSP that lets the console load only
 * its own scripts, styles and data) and a rate limit on every request,
 * matched routes or not. Installed before the auth hook, so a 401 carries
 * the headers too and a flood is refused before it costs a lookup.
 */
export async function installProtection(app: FastifyInstance, limits: RateLimitOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Charts and tables set style attributes from React; style sheets still come only from here.
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Served over plain HTTP on a LAN too: asking the browser to upgrade would break the console there.
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, { global: false, hook: 'onRequest' });
  app.addHook(
    'onRequest',
    app.rateLimit({
      max: limits.max,
      timeWindow: limits.windowMs,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        new AuroraError(
          'AURORA_RATE_LIMITED',
          `more than ${context.max} requests in ${Math.round(limits.windowMs / 1000)} s from this credential or address (rateLimitMax); retry in ${context.after}`,
          undefined,
          Math.ceil(context.ttl / 1000),
        ),
    }),
  );
}
