import { type Static, Type } from '@sinclair/typebox';

/** Balancing algorithms a service may name (the pickers of the built-in proxy). */
export const PickerNameSchema = Type.Union(
  [
    Type.Literal('round-robin'),
    Type.Literal('weighted'),
    Type.Literal('least-request'),
    Type.Literal('p2c-peak-ewma'),
    Type.Literal('consistent-hash'),
  ],
  { description: 'balancing algorithm of the built-in proxy' },
);

/** One backend as an operator declares it: an Aurora node (by name) or a registered endpoint (by address). */
export const ServiceBackendInput = Type.Object({
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'name of an Aurora node' })),
  address: Type.Optional(
    Type.String({ minLength: 1, maxLength: 253, description: 'host name or IP of an endpoint outside Aurora' }),
  ),
  port: Type.Integer({ minimum: 1, maximum: 65_535 }),
  zone: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "default: the node's zone" })),
  weight: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1_000, default: 1, description: 'relative share; 0 drains the backend' }),
  ),
});
export type ServiceBackendInput = Static<typeof ServiceBackendInput>;

export const PutServiceRequest = Type.Object({
  picker: Type.Optional(PickerNameSchema),
  healthPath: Type.Optional(Type.String({ pattern: '^/', maxLength: 1_024, description: 'default /healthz' })),
  backends: Type.Array(ServiceBackendInput, { maxItems: 1_000, description: 'exactly one of node or address each' }),
});
export type PutServiceRequest = Static<typeof PutServiceRequest>;

/** A backend as proxies see it: its address resolved and its effective weight after the node's state. */
export const ServiceBackend = Type.Object({
  id: Type.String({ description: 'node:<name>:<port> or <address>:<port>' }),
  node: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()], {
    description: 'null while a node has reported no address (the proxy skips it)',
  }),
  port: Type.Integer(),
  zone: Type.Union([Type.String(), Type.Null()]),
  weight: Type.Number({ description: 'as declared' }),
  effectiveWeight: Type.Number({
    description:
      '0 while the node is draining, cordoned, down or deleted; the declared weight times anomalyTrafficWeight ' +
      '(default 0.5) while the node has a firing anomaly alert; else the declared weight',
  }),
  nodeState: Type.Union([Type.String(), Type.Null()]),
  anomalous: Type.Boolean({ description: 'the node has a firing anomaly alert (always false for an address)' }),
});
export type ServiceBackend = Static<typeof ServiceBackend>;

export const Service = Type.Object(
  {
    name: Type.String(),
    picker: PickerNameSchema,
    healthPath: Type.String(),
    backends: Type.Array(ServiceBackend),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Service' },
);
export type Service = Static<typeof Service>;

export const ServiceList = Type.Object({ items: Type.Array(Service) });
export type ServiceList = Static<typeof ServiceList>;

/** How much of their declared weight a node's service backends keep: 1 is all of it. */
export const NodeTrafficRequest = Type.Object({
  share: Type.Number({
    // Below 1 % a backend takes almost nothing: that is a drain (POST /v1/nodes/NAME/drain), which says so.
    minimum: 0.01,
    maximum: 1,
    description:
      'from 0.01 to 1; to take all traffic away, drain the node (POST /v1/nodes/NAME/drain); 1 restores the full share',
  }),
});
export type NodeTrafficRequest = Static<typeof NodeTrafficRequest>;

export const NodeTraffic = Type.Object({
  node: Type.String(),
  share: Type.Number(),
  services: Type.Array(Type.String(), { description: 'the services with a backend on the node, whose weights moved' }),
});
export type NodeTraffic = Static<typeof NodeTraffic>;
