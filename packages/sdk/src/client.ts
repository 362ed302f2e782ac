/**
 * A small typed client of Aurora's REST API, built on the platform `fetch`
 * so the same code runs in Node.js, the console and other browsers.
 *
 * @example
 * const aurora = new AuroraClient({ baseUrl: 'http://127.0.0.1:7070', token: process.env.AURORA_TOKEN });
 * const { items } = await aurora.listNodes({ state: 'ready' });
 */

import type { NodeAction, NodeActionList, NodeActionsQuery, QueueNodeAction } from './actions.js';
import type {
  AlertList,
  AlertsQuery,
  AnomaliesQuery,
  AnomalyList,
  CreateSilence,
  Silence,
  SilenceList,
} from './alerts.js';
import type {
  CertificateRenewalRequest,
  ClusterCaView,
  ClusterSummary,
  CreatedJoinToken,
  CreateTokenRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinRequest,
  JoinResponse,
  JoinTokenList,
  MetricRange,
  Node,
  NodeCertificate,
  NodeList,
  NodeSortKey,
  NodeState,
  NodeTransitionPage,
  NodeTransitionsQuery,
  QueryRangeQuery,
  QueryRangeResult,
} from './contract.js';
import { NODE_PAGE_MAX } from './contract.js';
import type {
  ComplianceFramework,
  ComplianceReport,
  PolicyDiff,
  PolicyDiffQuery,
  PolicyVersion,
  PolicyVersionList,
  StoredPolicy,
  StoredPolicyList,
} from './governance.js';
import { GovernanceClient } from './governance-client.js';
import type {
  DecideApproval,
  IncidentDetail,
  IncidentList,
  IncidentsQuery,
  RunsQuery,
  WorkflowRunDetail,
  WorkflowRunList,
} from './healing.js';
import { queryString } from './http.js';
import type { PersonalDataExport } from './identity.js';
import type { ForecastQuery, ForecastResult, PredictionList, PredictionsQuery } from './predictions.js';
import type { NodeTraffic, PutServiceRequest, Service, ServiceList } from './traffic.js';

export interface ListNodesQuery {
  state?: NodeState;
  /** `key=value` label selectors, all must match. */
  labels?: Record<string, string>;
  /** Label keys the node must have, whatever their values. */
  hasLabels?: string[];
  /** Part of the name, any case. */
  q?: string;
  /** Sort key (default `name`); ties are broken by name. */
  sort?: NodeSortKey;
  order?: 'asc' | 'desc';
  /** Page size: default 500, at most 5,000. */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface MetricRangeQuery {
  name?: string;
  from?: number | string;
  to?: number | string;
  /** bucket width, e.g. `15s`, `1m`, or milliseconds */
  step?: number | string;
}

export class AuroraClient extends GovernanceClient {
  /**
   * One page of nodes (500 unless `limit` says otherwise); pass its `next` as `cursor`, with the
   * same sort, order and filters, for the following page. {@link listAllNodes} reads them all.
   */
  listNodes(query: ListNodesQuery = {}): Promise<NodeList> {
    const params = new URLSearchParams();
    if (query.state) params.set('state', query.state);
    for (const [k, v] of Object.entries(query.labels ?? {})) params.append('label', `${k}=${v}`);
    for (const key of query.hasLabels ?? []) params.append('hasLabel', key);
    if (query.q) params.set('q', query.q);
    if (query.sort) params.set('sort', query.sort);
    if (query.order) params.set('order', query.order);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    const qs = params.toString();
    return this.request('GET', `/v1/nodes${qs ? `?${qs}` : ''}`);
  }
  /**
   * Every matching node, read a page at a time (5,000 a page unless `limit` is given) by
   * following `next`; stops after `max` nodes when given.
   *
   * @example
   * const down = await aurora.listAllNodes({ state: 'down' });
   */
  async listAllNodes(query: Omit<ListNodesQuery, 'cursor'> & { max?: number } = {}): Promise<Node[]> {
    const { max, ...rest } = query;
    const out: Node[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listNodes({ limit: NODE_PAGE_MAX, ...rest, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor !== undefined && (max === undefined || out.length < max));
    return max === undefined ? out : out.slice(0, max);
  }
  getNode(name: string): Promise<Node> {
    return this.request('GET', `/v1/nodes/${encodeURIComponent(name)}`);
  }
  cordonNode(name: string): Promise<Node> {
    return this.request('POST', `/v1/nodes/${encodeURIComponent(name)}/cordon`, {});
  }
  uncordonNode(name: string): Promise<Node> {
    return this.request('POST', `/v1/nodes/${encodeURIComponent(name)}/uncordon`, {});
  }
  drainNode(name: string): Promise<Node> {
    return this.request('POST', `/v1/nodes/${encodeURIComponent(name)}/drain`, {});
  }
  /** Sets the share (0.01 to 1) of their declared weight the node's service backends keep; 1 restores it. */
  setNodeTraffic(name: string, share: number): Promise<NodeTraffic> {
    return this.request('PUT', `/v1/nodes/${encodeURIComponent(name)}/traffic`, { share });
  }
  /** Every service with its backends as proxies see them (effective weights, anomalous nodes). */
  listServices(): Promise<ServiceList> {
    return this.request('GET', '/v1/services');
  }
  /** Creates or replaces a service's backends. */
  putService(name: string, body: PutServiceRequest): Promise<Service> {
    return this.request('PUT', `/v1/services/${encodeURIComponent(name)}`, body);
  }
  /** Queues an action for the node's agent; the agent checks it against its allow-list. */
  queueNodeAction(name: string, body: QueueNodeAction): Promise<NodeAction> {
    return this.request('POST', `/v1/nodes/${encodeURIComponent(name)}/actions`, body);
  }
  /** Actions queued for the node's agent, newest first, with their results. */
  nodeActions(name: string, query: NodeActionsQuery = {}): Promise<NodeActionList> {
    return this.request('GET', `/v1/nodes/${encodeURIComponent(name)}/actions${queryString(query)}`);
  }
  deleteNode(name: string): Promise<void> {
    return this.request('DELETE', `/v1/nodes/${encodeURIComponent(name)}`);
  }
  nodeMetrics(name: string, query: MetricRangeQuery = {}): Promise<MetricRange> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request('GET', `/v1/nodes/${encodeURIComponent(name)}/metrics${qs ? `?${qs}` : ''}`);
  }
  /**
   * A node's recorded state changes, newest first. Pass a page's `next` as
   * `before` to read the older ones.
   *
   * @example
   * const latest = await aurora.nodeTransitions('web-1', { limit: 20 });
   * if (latest.next !== null) await aurora.nodeTransitions('web-1', { limit: 20, before: latest.next });
   */
  nodeTransitions(name: string, query: NodeTransitionsQuery = {}): Promise<NodeTransitionPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request('GET', `/v1/nodes/${encodeURIComponent(name)}/transitions${qs ? `?${qs}` : ''}`);
  }
  /**
   * Series matching a Prometheus selector over a time range, one point per
   * step bucket; the step picks raw samples or a rollup tier.
   *
   * @example
   * const week = await aurora.queryRange({ match: 'cpu_usage_pct{node="web-1"}', from: '-7d', step: '1h' });
   */
  queryRange(query: QueryRangeQuery): Promise<QueryRangeResult> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.request('GET', `/v1/query_range?${params.toString()}`);
  }
  /**
   * What the leader predicts for series with a known capacity (disks, memory, CPU, configured
   * ones), and how often closed predictions came true.
   *
   * @example
   * const { items, hitRate } = await aurora.predictions({ status: 'open' });
   */
  predictions(query: PredictionsQuery = {}): Promise<PredictionList> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request('GET', `/v1/predictions${qs ? `?${qs}` : ''}`);
  }
  /**
   * Durable workflow runs, newest first.
   *
   * @example
   * const { items } = await aurora.runs({ limit: 20 });
   */
  runs(query: RunsQuery = {}): Promise<WorkflowRunList> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request('GET', `/v1/runs${qs ? `?${qs}` : ''}`);
  }
  /** One workflow run with every step as recorded before and after it ran. */
  run(id: string): Promise<WorkflowRunDetail> {
    return this.request('GET', `/v1/runs/${encodeURIComponent(id)}`);
  }
  /**
   * Approves a run's pending approval at its current level; the reason goes into the audit chain.
   *
   * @example
   * await aurora.approveRun(runId, 'checked the node, safe to drain');
   */
  approveRun(id: string, reason: string): Promise<WorkflowRunDetail> {
    return this.decideRun(id, { decision: 'approve', reason });
  }
  /** Rejects a run's pending approval: the run ends as rejected. The reason goes into the audit chain. */
  rejectRun(id: string, reason: string): Promise<WorkflowRunDetail> {
    return this.decideRun(id, { decision: 'reject', reason });
  }
  /** Decides a run's pending approval (approve or reject, with a reason); answers the run as it is now. */
  decideRun(id: string, body: DecideApproval): Promise<WorkflowRunDetail> {
    return this.request('POST', `/v1/runs/${encodeURIComponent(id)}/approvals`, body);
  }
  /** Incidents (alerts grouped by time and topology) with their ranked root causes, newest first. */
  incidents(query: IncidentsQuery = {}): Promise<IncidentList> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request('GET', `/v1/incidents${qs ? `?${qs}` : ''}`);
  }
  /** One incident with its alerts and the evidence behind each root-cause candidate. */
  incident(id: string): Promise<IncidentDetail> {
    return this.request('GET', `/v1/incidents/${encodeURIComponent(id)}`);
  }
  /**
   * A forecast with its prediction interval for the series a selector matches.
   *
   * @example
   * const f = await aurora.forecast({ match: 'cpu_usage_pct{node="web-1"}', step: '5m', horizon: 48 });
   */
  forecast(query: ForecastQuery): Promise<ForecastResult> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.request('GET', `/v1/forecast?${params.toString()}`);
  }
  /**
   * Anomalies live detection recorded, newest first, each with the detector's sentence.
   *
   * @example
   * const { items } = await aurora.anomalies({ node: 'web-1', metric: 'cpu_usage_pct' });
   */
  anomalies(query: AnomaliesQuery = {}): Promise<AnomalyList> {
    return this.request('GET', `/v1/anomalies${queryString(query)}`);
  }
  /**
   * Alerts, newest first: anomalies grouped per node and series, and threshold rule breaches.
   *
   * @example
   * const firing = await aurora.alerts({ state: 'firing' });
   */
  alerts(query: AlertsQuery = {}): Promise<AlertList> {
    return this.request('GET', `/v1/alerts${queryString(query)}`);
  }
  /** Resolves a firing alert by hand; it fires again, as a new alert, if the trouble recurs. */
  resolveAlert(id: string): Promise<void> {
    return this.request('POST', `/v1/alerts/${encodeURIComponent(id)}/resolve`);
  }
  /**
   * Mutes alerts matching every matcher (`node`, `metric` or any label) until `endsAt` or for `duration`.
   *
   * @example
   * await aurora.createSilence({ matchers: { node: 'web-1' }, duration: '2h', comment: 'kernel upgrade' });
   */
  createSilence(body: CreateSilence): Promise<Silence> {
    return this.request('POST', '/v1/silences', body);
  }
  /** Silences, active and expired. */
  silences(): Promise<SilenceList> {
    return this.request('GET', '/v1/silences');
  }
  /** Ends a silence now. */
  endSilence(id: string): Promise<void> {
    return this.request('DELETE', `/v1/silences/${encodeURIComponent(id)}`);
  }
  /** The stored Cedar policy documents in force, each at its latest version. */
  policies(): Promise<StoredPolicyList> {
    return this.request('GET', '/v1/policies');
  }
  /** One policy document in force. */
  policy(id: string): Promise<StoredPolicy> {
    return this.request('GET', `/v1/policies/${encodeURIComponent(id)}`);
  }
  /**
   * Stores Cedar text as the next version of a policy document; a 400 {@link AuroraApiError}
   * carries Cedar's messages in `problem.errors` (with line and column).
   *
   * @example
   * await aurora.putPolicy('oncall', 'permit (principal in Aurora::Role::"oncall", action in Aurora::Action::"operate", resource);');
   */
  putPolicy(id: string, text: string): Promise<StoredPolicy> {
    return this.request('PUT', `/v1/policies/${encodeURIComponent(id)}`, { text });
  }
  /** Takes a policy document out of force; its versions are kept. */
  deletePolicy(id: string): Promise<void> {
    return this.request('DELETE', `/v1/policies/${encodeURIComponent(id)}`);
  }
  /** Every version of a policy document, oldest first. */
  policyVersions(id: string): Promise<PolicyVersionList> {
    return this.request('GET', `/v1/policies/${encodeURIComponent(id)}/versions`);
  }
  policyVersion(id: string, version: number): Promise<PolicyVersion> {
    return this.request('GET', `/v1/policies/${encodeURIComponent(id)}/versions/${version}`);
  }
  /** A line diff between two versions (default: the last change). */
  policyDiff(id: string, query: PolicyDiffQuery = {}): Promise<PolicyDiff> {
    return this.request('GET', `/v1/policies/${encodeURIComponent(id)}/diff${queryString(query)}`);
  }
  /** Makes an earlier version's text the newest version. */
  rollbackPolicy(id: string, version: number): Promise<StoredPolicy> {
    return this.request('POST', `/v1/policies/${encodeURIComponent(id)}/rollback`, { version });
  }
  /**
   * Controls of a framework judged on evidence collected from the running system now.
   *
   * @example
   * const { summary, controls } = await aurora.complianceReport('soc2');
   */
  complianceReport(framework: ComplianceFramework): Promise<ComplianceReport> {
    return this.request('GET', `/v1/compliance/report${queryString({ framework })}`);
  }
  /** Everything held about a user (GDPR Art. 15); `deleteUser` is the erasure. */
  personalData(userId: string): Promise<PersonalDataExport> {
    return this.request('GET', `/v1/users/${encodeURIComponent(userId)}/personal-data`);
  }
  clusterSummary(): Promise<ClusterSummary> {
    return this.request('GET', '/v1/cluster/summary');
  }
  createJoinToken(body: CreateTokenRequest = {}): Promise<CreatedJoinToken> {
    return this.request('POST', '/v1/tokens', body);
  }
  listJoinTokens(): Promise<JoinTokenList> {
    return this.request('GET', '/v1/tokens');
  }
  revokeJoinToken(id: string): Promise<void> {
    return this.request('DELETE', `/v1/tokens/${encodeURIComponent(id)}`);
  }
  /** Agent side: exchanges a join token for a node credential. */
  join(body: JoinRequest): Promise<JoinResponse> {
    return this.request('POST', '/v1/join', body, null);
  }
  /** The cluster CA's certificate and fingerprint (public: agents fetch it before they trust the server). */
  clusterCa(): Promise<ClusterCaView> {
    return this.request('GET', '/v1/cluster/ca', undefined, undefined);
  }
  /** Agent side, over mutual TLS: a new client certificate for the node's new key before the current one expires. */
  renewCertificate(body: CertificateRenewalRequest): Promise<NodeCertificate> {
    return this.request('POST', '/v1/agent/certificate', body, undefined);
  }
  /** Agent side: `credential` is the node's own secret from {@link join}. */
  heartbeat(credential: string, body: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.request('POST', '/v1/agent/heartbeat', body, credential);
  }
}
