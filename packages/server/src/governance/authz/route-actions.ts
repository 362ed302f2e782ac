/** What a route asks Cedar: the action, and whether the resource is one node or the cluster. */
export interface RouteAction {
  action: string;
  resource: 'cluster' | 'node';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The Cedar action of this route, when it is not in {@link ROUTE_ACTIONS}. */
    authz?: RouteAction;
  }
}

/**
 * The Cedar action of every route the control plane registers, keyed by
 * "METHOD url" as Fastify registered it. A route that is in neither this
 * table nor its own `config.authz` is decided as `route.unmapped`, which only
 * administrators hold, so a forgotten entry fails closed.
 */
export const ROUTE_ACTIONS: Readonly<Record<string, RouteAction>> = {
  'GET /v1/nodes': { action: 'node.list', resource: 'cluster' },
  'GET /v1/nodes/:name': { action: 'node.get', resource: 'node' },
  'GET /v1/nodes/:name/metrics': { action: 'node.metrics', resource: 'node' },
  'GET /v1/nodes/:name/transitions': { action: 'node.transitions', resource: 'node' },
  'POST /v1/nodes/:name/cordon': { action: 'node.cordon', resource: 'node' },
  'POST /v1/nodes/:name/uncordon': { action: 'node.uncordon', resource: 'node' },
  'POST /v1/nodes/:name/drain': { action: 'node.drain', resource: 'node' },
  'PUT /v1/nodes/:name/traffic': { action: 'node.traffic', resource: 'node' },
  'DELETE /v1/nodes/:name': { action: 'node.delete', resource: 'node' },
  'GET /v1/nodes/:name/actions': { action: 'node.actions', resource: 'node' },
  'POST /v1/nodes/:name/actions': { action: 'node.action', resource: 'node' },
  'GET /v1/cluster/summary': { action: 'cluster.summary', resource: 'cluster' },
  'GET /v1/events': { action: 'events.stream', resource: 'cluster' },
  'GET /v1/query_range': { action: 'metrics.query', resource: 'cluster' },
  'GET /metrics': { action: 'metrics.scrape', resource: 'cluster' },
  'GET /v1/anomalies': { action: 'anomaly.list', resource: 'cluster' },
  'GET /v1/alerts': { action: 'alert.list', resource: 'cluster' },
  'POST /v1/alerts/:id/resolve': { action: 'alert.resolve', resource: 'cluster' },
  'GET /v1/alert-rules': { action: 'alertrule.list', resource: 'cluster' },
  'POST /v1/alert-rules': { action: 'alertrule.create', resource: 'cluster' },
  'DELETE /v1/alert-rules/:id': { action: 'alertrule.delete', resource: 'cluster' },
  'GET /v1/silences': { action: 'silence.list', resource: 'cluster' },
  'POST /v1/silences': { action: 'silence.create', resource: 'cluster' },
  'DELETE /v1/silences/:id': { action: 'silence.delete', resource: 'cluster' },
  'GET /v1/alert-deliveries': { action: 'alert.deliveries', resource: 'cluster' },
  'GET /v1/predictions': { action: 'prediction.list', resource: 'cluster' },
  'GET /v1/forecast': { action: 'metrics.forecast', resource: 'cluster' },
  'POST /api/v1/write': { action: 'metrics.write', resource: 'cluster' },
  'POST /v1/tokens': { action: 'token.create', resource: 'cluster' },
  'GET /v1/tokens': { action: 'token.list', resource: 'cluster' },
  'DELETE /v1/tokens/:id': { action: 'token.revoke', resource: 'cluster' },
  'POST /v1/agent/heartbeat': { action: 'agent.heartbeat', resource: 'cluster' },
  'POST /v1/agent/certificate': { action: 'agent.renew', resource: 'cluster' },
  'POST /v1/api-tokens': { action: 'apitoken.create', resource: 'cluster' },
  'GET /v1/api-tokens': { action: 'apitoken.list', resource: 'cluster' },
  'DELETE /v1/api-tokens/:id': { action: 'apitoken.revoke', resource: 'cluster' },
  'GET /v1/authz/policies': { action: 'policy.read', resource: 'cluster' },
  'GET /v1/policies': { action: 'policy.read', resource: 'cluster' },
  'GET /v1/policies/:id': { action: 'policy.read', resource: 'cluster' },
  'GET /v1/policies/:id/versions': { action: 'policy.read', resource: 'cluster' },
  'GET /v1/policies/:id/versions/:version': { action: 'policy.read', resource: 'cluster' },
  'GET /v1/policies/:id/diff': { action: 'policy.read', resource: 'cluster' },
  'PUT /v1/policies/:id': { action: 'policy.update', resource: 'cluster' },
  'DELETE /v1/policies/:id': { action: 'policy.update', resource: 'cluster' },
  'POST /v1/policies/:id/rollback': { action: 'policy.update', resource: 'cluster' },
  'GET /v1/services': { action: 'service.list', resource: 'cluster' },
  'GET /v1/services/:name': { action: 'service.get', resource: 'cluster' },
  'PUT /v1/services/:name': { action: 'service.put', resource: 'cluster' },
  'DELETE /v1/services/:name': { action: 'service.delete', resource: 'cluster' },
  'GET /v1/audit': { action: 'audit.read', resource: 'cluster' },
  'GET /v1/audit/checkpoints': { action: 'audit.read', resource: 'cluster' },
  'GET /v1/audit/verify': { action: 'audit.verify', resource: 'cluster' },
  'GET /v1/backup': { action: 'store.backup', resource: 'cluster' },
  'GET /v1/incidents': { action: 'incident.list', resource: 'cluster' },
  'GET /v1/incidents/:id': { action: 'incident.get', resource: 'cluster' },
  'GET /v1/playbooks': { action: 'playbook.list', resource: 'cluster' },
  'GET /v1/playbooks/:name': { action: 'playbook.get', resource: 'cluster' },
  'GET /v1/playbooks/:name/history': { action: 'playbook.get', resource: 'cluster' },
  'PUT /v1/playbooks/:name': { action: 'playbook.put', resource: 'cluster' },
  'GET /v1/runs': { action: 'run.list', resource: 'cluster' },
  'GET /v1/runs/:id': { action: 'run.get', resource: 'cluster' },
  // Decided again on the run's node by the handler, where team and environment policies apply.
  'POST /v1/runs/:id/approvals': { action: 'run.approve', resource: 'cluster' },
  'DELETE /v1/sessions': { action: 'session.end', resource: 'cluster' },
  'GET /v1/me': { action: 'self.read', resource: 'cluster' },
  'PUT /v1/me/password': { action: 'self.password', resource: 'cluster' },
  'POST /v1/events/tickets': { action: 'events.ticket', resource: 'cluster' },
  'GET /v1/users': { action: 'user.list', resource: 'cluster' },
  'POST /v1/users': { action: 'user.create', resource: 'cluster' },
  'PATCH /v1/users/:id': { action: 'user.update', resource: 'cluster' },
  'DELETE /v1/users/:id': { action: 'user.delete', resource: 'cluster' },
  'GET /v1/users/:id/personal-data': { action: 'user.export', resource: 'cluster' },
  'GET /v1/compliance/report': { action: 'compliance.report', resource: 'cluster' },
};

const UNMAPPED: RouteAction = { action: 'route.unmapped', resource: 'cluster' };

/** The action of a route: its own `config.authz`, else the table, else `route.unmapped`. */
export function routeAction(method: string, url: string, own: RouteAction | undefined): RouteAction {
  return own ?? ROUTE_ACTIONS[`${method} ${url}`] ?? UNMAPPED;
}
