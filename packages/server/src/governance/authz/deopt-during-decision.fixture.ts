/**
 * Run as its own process with `--allow-natives-syntax` (see engine.deopt.test.ts): optimises
 * Cedar's JS glue so TurboFan inlines its JS-to-Wasm call, then deoptimises that glue from a
 * getter Cedar reads while the Wasm call runs. Prints "decided allow" when the process survives.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { type AuthzRequest, PolicyEngine } from './engine.js';
import { CLUSTER_UID, principalEntity } from './entities.js';
import { SHIPPED_POLICIES } from './policies.js';

// V8 intrinsics are not TypeScript syntax, so they are compiled at run time.
const intrinsic = (call: string) => new Function('f', `${call}(f)`) as (f: unknown) => void;
const prepareForOptimisation = intrinsic('%PrepareFunctionForOptimization');
const optimiseOnNextCall = intrinsic('%OptimizeFunctionOnNextCall');
const deoptimise = intrinsic('%DeoptimizeFunction');

const engine = PolicyEngine.compile(SHIPPED_POLICIES);
const glue = cedar.statefulIsAuthorized;
let armed = false;
const agentUid: Record<string, string> = { type: 'Aurora::Agent' };
Object.defineProperty(agentUid, 'id', {
  enumerable: true,
  get() {
    if (armed) {
      armed = false;
      deoptimise(glue);
    }
    return 'n-1';
  },
});
const request: AuthzRequest = {
  principal: agentUid as unknown as AuthzRequest['principal'],
  action: 'agent.heartbeat',
  resource: CLUSTER_UID,
  context: {},
  entities: [principalEntity({ kind: 'node', nodeId: 'n-1', name: 'web-1' }) as AuthzRequest['entities'][number]],
};

prepareForOptimisation(glue);
engine.decide(request);
engine.decide(request);
optimiseOnNextCall(glue);
engine.decide(request);
armed = true;
console.log(`decided ${engine.decide(request).outcome}`);
