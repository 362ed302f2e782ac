/**
 * The users page: everyone who logs in with a name and password, with their
 * roles, teams and state, and a form to add one. Administrators only: the
 * server answers 403 to anyone else, and the page says so.
 */
import type { User } from '@aurora/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { usePolled } from '../alerts/use-polled.js';
import { useFleet } from '../live/FleetProvider.js';
import { useNow } from '../ui/use-now.js';
import { describeError, RolePicker, TeamsField } from './RolePicker.js';
import { parseTeams } from './status.js';
import { UserRow } from './UserRow.js';

/** Users change rarely; re-read now and then so another admin's changes show up. */
const USERS_REFRESH_MS = 15_000;

function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const { client } = useFleet();
  const id = useId();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(['viewer']);
  const [teams, setTeams] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const user = await client.createUser({ name: name.trim(), password, roles, teams: parseTeams(teams) });
      setName('');
      setPassword('');
      setTeams('');
      onCreated(user);
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack" onSubmit={submit} data-testid="user-create-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add a user</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-name`}>User name</label>
          <input
            id={`${id}-name`}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="user-create-name"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            placeholder="at least 12 characters"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="user-create-password"
          />
        </div>
        <TeamsField value={teams} onChange={setTeams} testId="user-create-teams" />
      </div>
      <RolePicker roles={roles} onChange={setRoles} testId="user-create-roles" />
      {problem && (
        <p className="error" role="alert" data-testid="user-create-error">
          {problem}
        </p>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="primary"
          disabled={busy || !name.trim() || !password || roles.length === 0}
          data-testid="user-create-submit"
        >
          {busy ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  );
}

/** The page at `/users`. */
export function UsersPage() {
  const { client } = useFleet();
  const now = useNow();
  const load = useCallback(() => client.listUsers(), [client]);
  const { value, error, reload } = usePolled(load, USERS_REFRESH_MS);
  const [created, setCreated] = useState<string | undefined>(undefined);

  return (
    <div className="stack" data-testid="users-page" data-loaded={value !== undefined}>
      <div className="page-head">
        <h1>Users</h1>
        <span className="muted">{value ? `${value.items.length} users` : 'loading…'}</span>
      </div>
      <p className="muted">
        People log in with a user name and password; their roles and teams decide, through the policies in force, what
        they may do. Lock refuses a user's logins and ends its sessions; a new password lifts a lockout after too many
        failed logins.
      </p>
      {error && (
        <p className="error" role="alert" data-testid="users-error">
          Could not load users: {error}
        </p>
      )}
      <CreateUserForm
        onCreated={(user) => {
          setCreated(user.name);
          reload();
        }}
      />
      {created && (
        <p className="notice" role="status" data-testid="user-created">
          Added {created}.
        </p>
      )}
      {value && (
        <div className="table-wrap">
          <table data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Teams</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {value.items.map((user) => (
                <UserRow
                  key={`${user.id}:${user.roles.join()}:${user.teams.join()}`}
                  user={user}
                  now={now}
                  onChanged={reload}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
