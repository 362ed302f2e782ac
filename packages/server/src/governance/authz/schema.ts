/**
 * The Cedar schema of Aurora's authorisation model. Every shipped and stored
 * policy is validated against it (strict mode) before it is used.
 * Kept as a TypeScript string so it ships inside the compiled package.
 */
export const CEDAR_SCHEMA = `// The authorisation model of Aurora. Every shipped or stored policy is validated against it.
namespace Aurora {
  // Roles and teams are groups a principal is a member of.
  entity Role;
  entity Team;

  // A person who logs in with a password, or the bootstrap admin of the admin token.
  entity User in [Role, Team] = {
    name: String,
    teams: Set<String>,
  };

  // Automation with an API token.
  entity ServiceAccount in [Role, Team] = {
    name: String,
    teams: Set<String>,
  };

  // A node agent authenticated by its node credential.
  entity Agent in [Role] = {
    name: String,
  };

  // A playbook version acting on its own (a healing run): the principal of every action a run takes.
  entity Playbook = {
    name: String,
    version: Long,
  };

  // A node; its labels are tags, team and environment come from the labels of the same names.
  entity Node = {
    name: String,
    zone: String,
    environment: String,
    ownerTeam: String,
  } tags String;

  // Everything that is not one node: tokens, events, metrics, queries, audit, policies.
  entity Cluster;

  type Approval = {
    id: String,
    by: String,
  };

  type RequestContext = {
    "approval"?: Approval,
    "sourceIp"?: String,
  };

  // Groups that policies grant: reading, operating nodes, administering, approving, and what agents do.
  // "self" is what every authenticated caller may do to its own identity (who am I, log out, change password).
  // "approve" is deciding a playbook run's approval; a run's node is the resource when it has one.
  action "read", "operate", "administer", "approve", "agent", "self";

  action "node.list", "node.get", "node.metrics", "node.transitions", "node.actions" in ["read"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Node, Cluster],
    context: RequestContext,
  };
  // What a playbook run may be granted on a node is listed with Playbook among its principals.
  action "node.cordon", "node.uncordon", "node.drain", "node.traffic", "node.action" in ["operate"] appliesTo {
    principal: [User, ServiceAccount, Agent, Playbook],
    resource: [Node],
    context: RequestContext,
  };
  action "node.delete" in ["operate"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Node],
    context: RequestContext,
  };
  action "cluster.summary", "events.stream", "events.ticket", "metrics.query", "metrics.scrape", "anomaly.list",
    "policy.read", "alert.list", "alertrule.list", "silence.list", "alert.deliveries", "prediction.list", "metrics.forecast", "service.list", "service.get",
    "incident.list", "incident.get", "playbook.list", "playbook.get",
    "run.list", "run.get" in ["read"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Cluster],
    context: RequestContext,
  };
  action "alert.resolve", "alertrule.create", "alertrule.delete", "silence.create", "silence.delete", "service.put", "service.delete", "playbook.put" in ["operate"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Cluster],
    context: RequestContext,
  };
  action "metrics.write", "token.create", "token.list", "token.revoke", "apitoken.create", "apitoken.list",
    "apitoken.revoke", "user.list", "user.create", "user.update", "user.delete", "user.export", "compliance.report", "policy.update", "audit.read", "audit.verify", "store.backup", "route.unmapped" in ["administer"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Cluster],
    context: RequestContext,
  };
  action "run.approve" in ["approve"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Node, Cluster],
    context: RequestContext,
  };
  action "session.end", "self.read", "self.password" in ["self"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Cluster],
    context: RequestContext,
  };
  action "agent.heartbeat", "agent.renew" in ["agent"] appliesTo {
    principal: [User, ServiceAccount, Agent],
    resource: [Cluster],
    context: RequestContext,
  };
}
`;
