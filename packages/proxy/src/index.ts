/**
 * Aurora's data plane: an HTTP/1.1 reverse proxy that balances one service over its backends with the pickers and
 * policies of `@aurora/core`, and the HAProxy adapter for users who run HAProxy instead.
 */

export { parseBackend, parseListen } from './backend-flag.js';
export { type AttemptResult, type Backend, Balancer, type BalancerStats } from './balancer.js';
export {
  backendName,
  type HaproxyModel,
  haproxyWeight,
  renderHaproxyConfig,
  serverName,
} from './haproxy/config.js';
export { HaproxyRuntime, HaproxyRuntimeError, type ServerAdminState } from './haproxy/runtime.js';
export { HealthChecker } from './health.js';
export {
  type BackendSpec,
  type BalancerOptions,
  defaultBalancerOptions,
  defaultSlowAvoidance,
  defaultTimeouts,
  type ProxyTimeouts,
  type ServiceView,
  type SlowAvoidanceOptions,
} from './options.js';
export { type ProxyProblem, problems } from './problem.js';
export { type ProxyOptions, type RunningProxy, startProxy } from './server.js';
export { type ServiceWatch, serviceToView, type WatchOptions, watchService } from './watch.js';
