import type { Principal } from '../../platform/http/auth.js';
import type { EntityJson, EntityUidJson } from './engine.js';

/** The bootstrap admin of the admin token, as a Cedar principal. */
export const BOOTSTRAP_ADMIN_ID = 'admin';
/** The one `Aurora::Cluster` entity. */
export const CLUSTER_UID: EntityUidJson = { type: 'Aurora::Cluster', id: 'cluster' };
const CLUSTER_ENTITY: EntityJson = { uid: CLUSTER_UID, attrs: {}, parents: [] };

const role = (id: string): EntityUidJson => ({ type: 'Aurora::Role', id });
const team = (id: string): EntityUidJson => ({ type: 'Aurora::Team', id });

/** The Cedar entity of an authenticated principal; undefined for anonymous callers. */
export function principalEntity(principal: Principal): EntityJson | undefined {
  switch (principal.kind) {
    case 'admin':
      return {
        uid: { type: 'Aurora::User', id: BOOTSTRAP_ADMIN_ID },
        attrs: { name: BOOTSTRAP_ADMIN_ID, teams: [] },
        parents: [role('admin')],
      };
    case 'user':
      return {
        uid: { type: 'Aurora::User', id: principal.id },
        attrs: { name: principal.name, teams: [...principal.teams] },
        parents: [...principal.roles.map(role), ...principal.teams.map(team)],
      };
    case 'service':
      return {
        uid: { type: 'Aurora::ServiceAccount', id: principal.id },
        attrs: { name: principal.name, teams: [...principal.teams] },
        parents: [...principal.roles.map(role), ...principal.teams.map(team)],
      };
    case 'node':
      return {
        uid: { type: 'Aurora::Agent', id: principal.nodeId },
        attrs: { name: principal.name },
        parents: [role('agent')],
      };
    case 'anonymous':
      return undefined;
  }
}

/** What a node resource is decided on: its labels (as Cedar tags) and zone. */
export interface NodeAttributes {
  name: string;
  labels: Record<string, string>;
  zone: string | null;
}

/**
 * The Cedar entity of a node. `environment` and `ownerTeam` are the node's
 * `environment` and `team` labels ("" when absent), so policies need no `has`
 * checks; every label is also a tag (`resource.getTag("role")`).
 */
export function nodeEntity(node: NodeAttributes): EntityJson {
  return {
    uid: { type: 'Aurora::Node', id: node.name },
    attrs: {
      name: node.name,
      zone: node.zone ?? '',
      environment: node.labels.environment ?? '',
      ownerTeam: node.labels.team ?? '',
    },
    parents: [],
    tags: { ...node.labels },
  };
}

/** The cluster resource, for routes that do not act on one node. */
export function clusterEntity(): EntityJson {
  return CLUSTER_ENTITY;
}

/** A playbook version, the principal of every action its runs take. */
export interface PlaybookIdentity {
  name: string;
  version: number;
}

/** The Cedar entity of a playbook version (id `name@version`). */
export function playbookEntity(playbook: PlaybookIdentity): EntityJson {
  return {
    uid: { type: 'Aurora::Playbook', id: `${playbook.name}@${playbook.version}` },
    attrs: { name: playbook.name, version: playbook.version },
    parents: [],
  };
}
