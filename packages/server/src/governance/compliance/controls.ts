import type { ComplianceControl, ComplianceFramework, ComplianceReport } from '@aurora/sdk';
import type { Evidence } from './evidence.js';

type Verdict = Omit<ComplianceControl, 'id' | 'title'>;
type Check = (e: Evidence) => Verdict;

const pass = (reason: string, evidence: Record<string, unknown>): Verdict => ({ status: 'pass', reason, evidence });
const fail = (reason: string, evidence: Record<string, unknown>): Verdict => ({ status: 'fail', reason, evidence });
const unknown = (reason: string, evidence: Record<string, unknown>): Verdict => ({
  status: 'unknown',
  reason,
  evidence,
});

/** Access to every route is decided by the stored Cedar policies, and the stored set is the one in force. */
const accessControl: Check = (e) => {
  const evidence = { policies: e.policies, routes: e.routes };
  if (e.policies.fallback) {
    return fail(
      'the stored policy set does not compile; only the fallback admin and self policies are in force',
      evidence,
    );
  }
  if (e.policies.documents.length === 0) return fail('no policy document is in force', evidence);
  return pass(
    `${e.routes.total - e.routes.public.length} routes need a credential and are decided by Cedar (${e.policies.policyIds.length} policies from ${e.policies.documents.length} stored documents); ${e.routes.failClosed.length} without a declared action are admin-only (route.unmapped)`,
    evidence,
  );
};

/** Accounts are registered, removed and limited in time: users can be disabled, API tokens expire. */
const accessRights: Check = (e) => {
  const evidence = { users: e.users, apiTokens: e.apiTokens, loginLockout: e.loginLockout };
  if (e.loginLockout.maxFailures <= 0) return fail('login lockout is off (loginMaxFailures)', evidence);
  if (e.apiTokens.longestDaysLeft !== null && e.apiTokens.longestDaysLeft > 366) {
    return fail(`an active API token lives ${e.apiTokens.longestDaysLeft} more days, beyond a year`, evidence);
  }
  return pass(
    `${e.users.total} users (${e.users.disabled} disabled), ${e.apiTokens.active} active API tokens, all expiring within a year; ${e.loginLockout.maxFailures} wrong passwords lock a user`,
    evidence,
  );
};

/** Access follows roles, and few hold the administrator's. */
const leastPrivilege: Check = (e) => {
  const evidence = { roles: e.users.roles, admins: e.users.admins, policies: e.policies.policyIds };
  if (e.users.total > 1 && e.users.admins === e.users.total) {
    return fail(`every one of the ${e.users.total} users holds the admin role`, evidence);
  }
  if (e.users.total <= 1) {
    return unknown('only the first admin user exists, so role separation cannot be judged yet', evidence);
  }
  return pass(
    `${e.users.admins} of ${e.users.total} users hold the admin role; the others act through narrower roles`,
    evidence,
  );
};

/** The tamper-evident audit trail verifies: every entry chained, checkpoints signed. */
const logging: Check = (e) => {
  const evidence = { audit: e.audit, facts: e.auditFacts };
  if (!e.audit.intact) {
    return fail(
      `the audit chain is broken at entry ${e.audit.firstBroken?.seq}: ${e.audit.firstBroken?.reason}`,
      evidence,
    );
  }
  if (e.audit.checkpoints === 0) {
    return unknown(`${e.audit.entries} entries are chained but no checkpoint is signed yet`, evidence);
  }
  return pass(
    `${e.audit.entries} entries verify, ${e.audit.checkpoints} Ed25519-signed checkpoints; ${e.auditFacts.failedAuthentications} failed authentications and ${e.auditFacts.logins} logins recorded`,
    evidence,
  );
};

/** Anomalies in the fleet are watched for (live detection, alert rules) and security events are logged. */
const monitoring: Check = (e) => {
  const evidence = { monitoring: e.monitoring, auditIntact: e.audit.intact };
  if (!e.audit.intact) return fail('the audit chain does not verify, so security events cannot be relied on', evidence);
  if (e.monitoring.seriesWatched === 0) {
    return unknown('live detection watches no series yet (no node has reported metrics)', evidence);
  }
  return pass(
    `live detection watches ${e.monitoring.seriesWatched} series (${e.monitoring.anomaliesLast7Days} anomalies in 7 days), ${e.monitoring.alertRules} alert rules`,
    evidence,
  );
};

/** Changes to who may do what are versioned, reviewed through diffs, and audited. */
const changeManagement: Check = (e) => {
  const evidence = {
    changes: e.policies.changes,
    audited: e.policies.changesAudited,
    generation: e.policies.generation,
  };
  if (e.policies.changesAudited < e.policies.changes) {
    return fail(
      `${e.policies.changes - e.policies.changesAudited} policy versions have no policy.changed audit entry (written outside the API)`,
      evidence,
    );
  }
  return pass(
    `${e.policies.changes} policy changes since the shipped set, each versioned and in the audit trail`,
    evidence,
  );
};

const rightOfAccess: Check = (e) =>
  e.personalData.exportRoute
    ? pass(
        "GET /v1/users/ID/personal-data exports a user's profile, sessions and the audit entries naming them",
        e.personalData,
      )
    : fail("no export of a user's personal data is served", e.personalData);

const rightToErasure: Check = (e) => {
  const evidence = { ...e.personalData, ...e.auditFacts };
  if (!e.personalData.eraseRoute) return fail('no erasure of a user is served', evidence);
  if (e.auditFacts.entriesNamingUsers > 0) {
    return fail(
      `${e.auditFacts.entriesNamingUsers} recent audit entries name a user, which erasure could not remove`,
      evidence,
    );
  }
  return pass(
    `DELETE /v1/users/ID erases a user; the audit trail names people only by pseudonym (0 of the last ${e.auditFacts.scanned} entries name one), so it still verifies after erasure`,
    evidence,
  );
};

const recordsOfProcessing: Check = (e) =>
  unknown(
    "Aurora lists the personal data it holds (evidence); the record itself (purposes, recipients, retention) is the operator's to keep",
    {
      users: 'name, scrypt password hash, roles, teams, lockout state, creation and password-change times',
      sessions: 'id, refresh-token hash, creation, expiry, revocation',
      auditTrail: 'user id as pseudonym, source address, action, outcome, time',
      userCount: e.users.total,
    },
  );

const securityOfProcessing: Check = (e) => {
  const evidence = { tls: e.tls, auditIntact: e.audit.intact, passwords: 'scrypt (N=32768, r=8, p=1), salt per user' };
  if (!e.tls)
    return fail(
      'the API is served without TLS; credentials and personal data cross the network in clear text',
      evidence,
    );
  if (!e.audit.intact) return fail('the audit chain does not verify', evidence);
  return pass(
    'HTTPS with mutual TLS for agents, scrypt password hashes, keys encrypted under the key file, an intact audit chain',
    evidence,
  );
};

const CONTROLS: Record<ComplianceFramework, { id: string; title: string; check: Check }[]> = {
  soc2: [
    { id: 'CC6.1', title: 'Logical access security over protected information assets', check: accessControl },
    { id: 'CC6.2', title: 'Registration, authorisation and removal of users', check: accessRights },
    { id: 'CC6.3', title: 'Role-based access and least privilege', check: leastPrivilege },
    {
      id: 'CC7.2',
      title: 'Monitoring of system components for anomalies and security events',
      check: (e) => {
        const log = logging(e);
        return log.status === 'fail' ? log : monitoring(e);
      },
    },
    { id: 'CC8.1', title: 'Changes are authorised, recorded and traceable', check: changeManagement },
  ],
  iso27001: [
    { id: 'A.5.15', title: 'Access control', check: accessControl },
    { id: 'A.5.18', title: 'Access rights', check: accessRights },
    { id: 'A.8.15', title: 'Logging', check: logging },
    { id: 'A.8.16', title: 'Monitoring activities', check: monitoring },
    { id: 'A.8.32', title: 'Change management', check: changeManagement },
  ],
  gdpr: [
    { id: 'Art. 15', title: 'Right of access by the data subject', check: rightOfAccess },
    { id: 'Art. 17', title: 'Right to erasure', check: rightToErasure },
    { id: 'Art. 30', title: 'Records of processing activities', check: recordsOfProcessing },
    { id: 'Art. 32', title: 'Security of processing', check: securityOfProcessing },
  ],
};

/** Judges every control of `framework` on the evidence. */
export function buildReport(framework: ComplianceFramework, evidence: Evidence): ComplianceReport {
  const controls = CONTROLS[framework].map(({ id, title, check }) => ({ id, title, ...check(evidence) }));
  const summary = { pass: 0, fail: 0, unknown: 0 };
  for (const c of controls) summary[c.status]++;
  return { framework, generatedAt: new Date(evidence.at).toISOString(), summary, controls };
}
