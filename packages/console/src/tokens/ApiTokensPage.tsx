/**
 * The API tokens page: tokens of service accounts (CI jobs, scripts, other
 * systems), scoped to roles and teams and expiring. A new token's secret is
 * shown once, right after it is made; the server keeps only its hash.
 */
import type { ApiToken, CreatedApiToken } from '@aurora/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { usePolled } from '../alerts/use-polled.js';
import { useFleet } from '../live/FleetProvider.js';
import { formatTime } from '../ui/format.js';
import { useNow } from '../ui/use-now.js';
import { Chips, describeError, RolePicker, TeamsField } from '../users/RolePicker.js';
import { parseTeams, tokenStatus } from '../users/status.js';

const DAY = 86_400;
const LIFETIMES = [
  { seconds: DAY, label: '1 day' },
  { seconds: 30 * DAY, label: '30 days' },
  { seconds: 90 * DAY, label: '90 days' },
  { seconds: 365 * DAY, label: '1 year' },
];

function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedApiToken) => void }) {
  const { client } = useFleet();
  const id = useId();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(['viewer']);
  const [teams, setTeams] = useState('');
  const [ttl, setTtl] = useState(90 * DAY);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const created = await client.createApiToken({
        name: name.trim(),
        roles,
        teams: parseTeams(teams),
        ttlSeconds: ttl,
      });
      setName('');
      setTeams('');
      onCreated(created);
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack" onSubmit={submit} data-testid="token-create-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create a token</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            placeholder="e.g. ci"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="token-create-name"
          />
        </div>
        <TeamsField value={teams} onChange={setTeams} testId="token-create-teams" />
        <div className="field">
          <label htmlFor={`${id}-ttl`}>Expires after</label>
          <select
            id={`${id}-ttl`}
            value={ttl}
            onChange={(e) => setTtl(Number(e.target.value))}
            data-testid="token-create-ttl"
          >
            {LIFETIMES.map((l) => (
              <option key={l.seconds} value={l.seconds}>
                {l.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <RolePicker roles={roles} onChange={setRoles} testId="token-create-roles" />
      {problem && (
        <p className="error" role="alert" data-testid="token-create-error">
          {problem}
        </p>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="primary"
          disabled={busy || !name.trim() || roles.length === 0}
          data-testid="token-create-submit"
        >
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

/** The secret of a token just made: shown here once, never again. */
function NewSecret({ token, onDone }: { token: CreatedApiToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(token.token).then(() => setCopied(true));
  };
  return (
    <section className="card stack secret" role="status" data-testid="token-secret-card">
      <h2>Token "{token.name}" created</h2>
      <p>Copy it now: it is shown only once, and Aurora keeps only its hash.</p>
      <code className="secret-value" data-testid="token-secret">
        {token.token}
      </code>
      <div className="button-row">
        <button type="button" onClick={copy} data-testid="token-secret-copy">
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="ghost" onClick={onDone} data-testid="token-secret-done">
          Done
        </button>
      </div>
    </section>
  );
}

function TokenRow({ token, now, onChanged }: { token: ApiToken; now: number; onChanged: () => void }) {
  const { client } = useFleet();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const status = tokenStatus(token, now);
  const revoke = async () => {
    setProblem(undefined);
    try {
      await client.revokeApiToken(token.id);
      setConfirming(false);
      onChanged();
    } catch (e) {
      setProblem(describeError(e));
    }
  };
  return (
    <tr data-testid="token-row" data-token={token.name} data-status={status}>
      <th scope="row">{token.name}</th>
      <td>
        <Chips items={token.roles} />
      </td>
      <td>
        <Chips items={token.teams} />
      </td>
      <td>
        <span className={`badge token-${status}`} data-testid="token-status">
          {status}
        </span>
      </td>
      <td className="muted small">{formatTime(token.createdAt)}</td>
      <td className="muted small">{formatTime(token.revokedAt ?? token.expiresAt)}</td>
      <td>
        {status === 'active' &&
          (confirming ? (
            <div className="button-row">
              <button type="button" className="danger" onClick={() => void revoke()} data-testid="token-revoke-confirm">
                Revoke now
              </button>
              <button type="button" className="ghost" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </div>
          ) : (
            <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="token-revoke">
              Revoke
            </button>
          ))}
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
      </td>
    </tr>
  );
}

/** The page at `/api-tokens`. */
export function ApiTokensPage() {
  const { client } = useFleet();
  const now = useNow();
  const load = useCallback(() => client.listApiTokens(), [client]);
  const { value, error, reload } = usePolled(load, 15_000);
  const [fresh, setFresh] = useState<CreatedApiToken | undefined>(undefined);

  return (
    <div className="stack" data-testid="api-tokens-page" data-loaded={value !== undefined}>
      <div className="page-head">
        <h1>API tokens</h1>
        <span className="muted">{value ? `${value.items.length} tokens` : 'loading…'}</span>
      </div>
      <p className="muted">
        Service accounts send an API token as <code>Authorization: Bearer …</code>. Each has roles and teams like a
        user, an expiry, and can be revoked at once.
      </p>
      {error && (
        <p className="error" role="alert" data-testid="tokens-error">
          Could not load API tokens: {error}
        </p>
      )}
      {fresh ? (
        <NewSecret token={fresh} onDone={() => setFresh(undefined)} />
      ) : (
        <CreateTokenForm
          onCreated={(created) => {
            setFresh(created);
            reload();
          }}
        />
      )}
      {value && (
        <div className="table-wrap">
          <table data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Teams</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Expires / revoked</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {value.items.map((token) => (
                <TokenRow key={token.id} token={token} now={now} onChanged={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
