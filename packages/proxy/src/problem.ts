import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The proxy's own error answers: RFC 9457 problem documents with stable codes that name the fix. */
export interface ProxyProblem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
}

export const problems = {
  noBackend: (service: string): ProxyProblem => ({
    status: 503,
    code: 'AURORA_PROXY_NO_BACKEND',
    title: 'No healthy backend',
    detail: `service "${service}" has no backend that is healthy, not ejected and not draining; add or repair one`,
  }),
  upstreamUnreachable: (): ProxyProblem => ({
    status: 502,
    code: 'AURORA_PROXY_UPSTREAM_UNREACHABLE',
    title: 'Upstream unreachable',
    detail: 'the chosen backend refused or dropped the connection and no retry was allowed',
  }),
  upstreamProtocol: (): ProxyProblem => ({
    status: 502,
    code: 'AURORA_PROXY_UPSTREAM_PROTOCOL',
    title: 'Upstream sent an invalid response',
    detail: 'the backend answered with something that is not HTTP/1.1; check what listens on its port',
  }),
  upstreamTimeout: (): ProxyProblem => ({
    status: 504,
    code: 'AURORA_PROXY_UPSTREAM_TIMEOUT',
    title: 'Upstream timed out',
    detail: 'the backend did not send its response head in time (upstreamHeadersMs)',
  }),
  badRequest: (): ProxyProblem => ({
    status: 400,
    code: 'AURORA_PROXY_BAD_REQUEST',
    title: 'Malformed request',
    detail: 'the request is not valid HTTP/1.1',
  }),
  headersTooLarge: (limit: number): ProxyProblem => ({
    status: 431,
    code: 'AURORA_PROXY_HEADERS_TOO_LARGE',
    title: 'Request header fields too large',
    detail: `the request head is larger than ${limit} bytes`,
  }),
  requestTimeout: (): ProxyProblem => ({
    status: 408,
    code: 'AURORA_PROXY_REQUEST_TIMEOUT',
    title: 'Request timeout',
    detail: 'the request was not received in time (clientHeadersMs / clientRequestMs)',
  }),
};

function body(p: ProxyProblem): string {
  return JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, code: p.code, detail: p.detail });
}

/** Answers with a problem document on a response whose head has not been sent. */
export function sendProblem(res: ServerResponse, p: ProxyProblem): void {
  const text = body(p);
  res.writeHead(p.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers on a raw socket (client errors arrive before any request object exists), then closes it. */
export function sendProblemOnSocket(socket: Socket, p: ProxyProblem): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const text = body(p);
  socket.end(
    `HTTP/1.1 ${p.status} ${p.title}\r\nconnection: close\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  // A client that never reads must not keep the socket: end() waits for the write to drain.
  socket.setTimeout(1_000, () => socket.destroy());
}
