import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AttemptResult, Backend, Balancer } from './balancer.js';
import { downstreamHeaders, upstreamHeaders } from './headers.js';
import { type ProxyProblem, problems, sendProblem } from './problem.js';

/** Methods whose repetition has the same effect as one request (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Methods that change nothing on the server (RFC 9110 §9.2.1): a copy of one may be sent to a backend only to time it.
 * PUT and DELETE are idempotent but not safe, so they never get a shadow copy.
 */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Errors raised before the backend could have acted on the request: the connection never carried it. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Errors where the connection dropped before any response byte: with a kill -9 the requests already written to the
 * dead backend end this way. For an idempotent request without a body another backend may answer it.
 */
const RESET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export interface ForwardSettings {
  readonly trustForwarded: boolean;
  /** Header whose value is the consistent-hash key; the client address when unset. */
  readonly hashHeader?: string | undefined;
}

function classify(err: Error & { code?: string }): {
  result: AttemptResult;
  retryable: boolean;
  problem: ProxyProblem;
} {
  const code = err.code ?? '';
  if (CONNECT_ERRORS.has(code)) {
    return { result: 'connect-failure', retryable: true, problem: problems.upstreamUnreachable() };
  }
  if (RESET_ERRORS.has(code))
    return { result: 'connect-failure', retryable: true, problem: problems.upstreamUnreachable() };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return { result: 'server-error', retryable: false, problem: problems.upstreamTimeout() };
  }
  if (code.startsWith('HPE_') || code === 'UND_ERR_INFO' || err.name === 'HTTPParserError') {
    return { result: 'server-error', retryable: false, problem: problems.upstreamProtocol() };
  }
  return { result: 'server-error', retryable: false, problem: problems.upstreamUnreachable() };
}

/** Forwards one request to the service, retrying idempotent body-less requests on other backends when allowed. */
export function forward(
  balancer: Balancer,
  settings: ForwardSettings,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const method = req.method ?? 'GET';
  const te = req.headers['transfer-encoding'];
  const length = req.headers['content-length'];
  const hasBody = te !== undefined || (length !== undefined && length !== '0');
  const retryable = IDEMPOTENT.has(method) && !hasBody;
  const headers = upstreamHeaders(req, settings.trustForwarded);
  const shadow =
    SAFE.has(method) && !hasBody
      ? (probe: Backend) => shadowProbe(balancer, probe, req.url ?? '/', method, headers)
      : undefined;
  const hashKey =
    balancer.options.picker === 'consistent-hash'
      ? settings.hashHeader
        ? String(req.headers[settings.hashHeader] ?? '')
        : req.socket.remoteAddress
      : undefined;
  balancer.recordRequest();

  let clientGone = false;
  let abortUpstream: ((err: Error) => void) | undefined;
  res.once('close', () => {
    if (!res.writableFinished) {
      clientGone = true;
      abortUpstream?.(new Error('client closed the connection'));
    }
  });

  let tried: Set<string> | undefined;
  const attempt = (retriesLeft: number): void => {
    const backend = balancer.pick(tried, hashKey, shadow);
    if (!backend) {
      sendProblem(res, problems.noBackend(balancer.serviceName));
      return;
    }
    const started = balancer.start(backend);
    let responded = false;
    let badHead = false;
    let ended = false;
    const finish = (result: AttemptResult) => {
      if (ended) return;
      ended = true;
      balancer.end(backend, started, result);
    };
    // The legacy handler methods are what undici's client calls directly; the newer ones are adapted per request into
    // a header object that would only be turned back into a list here.
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortUpstream = abort;
        if (clientGone) abort(new Error('client closed the connection'));
      },
      onHeaders(status, raw, resume) {
        if (status < 200) return true;
        if (clientGone) return false;
        try {
          res.writeHead(status, downstreamHeaders(raw));
        } catch {
          // Node refuses header names or values no client could parse: the upstream sent garbage.
          badHead = true;
          throw new Error('invalid upstream response head');
        }
        responded = true;
        res.on('drain', resume);
        return true;
      },
      onData(chunk) {
        return res.write(chunk);
      },
      onComplete() {
        res.end();
        finish(res.statusCode >= 500 ? 'server-error' : 'success');
      },
      onError(err) {
        if (clientGone) {
          finish('client-gone');
          return;
        }
        const c = badHead
          ? { result: 'server-error' as const, retryable: false, problem: problems.upstreamProtocol() }
          : classify(err as Error & { code?: string });
        finish(c.result);
        if (responded) {
          // The head is out: the only honest signal left is to cut the response short.
          res.destroy(err);
          return;
        }
        if (c.retryable && retryable && retriesLeft > 0 && balancer.tryRetry()) {
          tried ??= new Set();
          tried.add(backend.id);
          attempt(retriesLeft - 1);
          return;
        }
        sendProblem(res, c.problem);
      },
    };
    dispatchTo(backend, method, req, headers, hasBody, handler);
  };
  attempt(balancer.options.maxRetries);
}

function dispatchTo(
  backend: Backend,
  method: string,
  req: IncomingMessage,
  headers: string[],
  hasBody: boolean,
  handler: Dispatcher.DispatchHandler,
): void {
  backend.pool.dispatch(
    {
      path: req.url ?? '/',
      method: method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? req : null,
    },
    handler,
  );
}

/**
 * Times a backend shunned as slow with a copy of a safe client request, so its latency estimate stays fresh (and it
 * comes back once it is fast again) while no client waits on it: a client request used as the probe lands in the
 * tail, at every percentile a load tool that corrects for coordinated omission reports. The answer is read and
 * dropped; its outcome counts like any other attempt's (latency, breaker, outlier ejection).
 */
function shadowProbe(balancer: Balancer, backend: Backend, path: string, method: string, headers: string[]): void {
  const started = balancer.start(backend);
  backend.pool.request({ path, method: method as Dispatcher.HttpMethod, headers }).then(
    async (res) => {
      // Only the time to the whole answer matters; a body past the limit closes that one connection instead.
      await res.body.dump({ limit: 1 << 20 }).catch(() => undefined);
      balancer.end(backend, started, res.statusCode >= 500 ? 'server-error' : 'success');
    },
    (err: Error & { code?: string }) => balancer.end(backend, started, classify(err).result),
  );
}
