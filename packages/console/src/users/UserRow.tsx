/**
 * One user in the users table, with what an admin does to it: change roles and
 * teams, disable (lock) or enable (unlock), set a new password (which also
 * lifts a lockout from failed logins), delete.
 */
import type { User } from '@aurora/sdk';
import { type FormEvent, useId, useState } from 'react';
import { useFleet } from '../live/FleetProvider.js';
import { formatTime } from '../ui/format.js';
import { Chips, describeError, RolePicker, TeamsField } from './RolePicker.js';
import { parseTeams, userStatus } from './status.js';

type Open = 'none' | 'edit' | 'password' | 'delete';

function StatusBadge({ user, now }: { user: User; now: number }) {
  const status = userStatus(user, now);
  const title = status === 'locked' && user.lockedUntil ? `until ${formatTime(user.lockedUntil)}` : undefined;
  return (
    <span className={`badge user-${status}`} data-testid="user-status" data-status={status} title={title}>
      {status}
    </span>
  );
}

export function UserRow({ user, now, onChanged }: { user: User; now: number; onChanged: () => void }) {
  const { client } = useFleet();
  const id = useId();
  const [open, setOpen] = useState<Open>('none');
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [teams, setTeams] = useState(user.teams.join(', '));
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const status = userStatus(user, now);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
      setOpen('none');
      setPassword('');
      onChanged();
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (next: Open) => {
    setProblem(undefined);
    setRoles(user.roles);
    setTeams(user.teams.join(', '));
    setOpen(open === next ? 'none' : next);
  };
  const saveRoles = (event: FormEvent) => {
    event.preventDefault();
    void run(() => client.updateUser(user.id, { roles, teams: parseTeams(teams) }));
  };
  const savePassword = (event: FormEvent) => {
    event.preventDefault();
    void run(() => client.updateUser(user.id, { password }));
  };

  return (
    <tr data-testid="user-row" data-user={user.name} data-status={status}>
      <th scope="row">{user.name}</th>
      <td data-testid="user-roles">
        <Chips items={user.roles} />
      </td>
      <td data-testid="user-teams">
        <Chips items={user.teams} />
      </td>
      <td>
        <StatusBadge user={user} now={now} />
      </td>
      <td className="muted small">{formatTime(user.createdAt)}</td>
      <td>
        <div className="alert-actions">
          <div className="button-row">
            <button
              type="button"
              onClick={() => toggle('edit')}
              aria-expanded={open === 'edit'}
              data-testid="user-edit"
            >
              Roles…
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void run(() => client.updateUser(user.id, { disabled: !user.disabled }))}
              data-testid={user.disabled ? 'user-enable' : 'user-disable'}
              title={user.disabled ? 'let the user log in again' : 'refuse its logins and end its sessions now'}
            >
              {user.disabled ? 'Unlock' : 'Lock'}
            </button>
            <button
              type="button"
              onClick={() => toggle('password')}
              aria-expanded={open === 'password'}
              data-testid="user-password"
              title="set a new password; also lifts a lockout after failed logins"
            >
              Password…
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => toggle('delete')}
              aria-expanded={open === 'delete'}
              data-testid="user-delete"
            >
              Delete
            </button>
          </div>
          {open === 'edit' && (
            <form className="silence-form" onSubmit={saveRoles} data-testid="user-edit-form">
              <RolePicker roles={roles} onChange={setRoles} testId="user-edit-roles" />
              <TeamsField value={teams} onChange={setTeams} testId="user-edit-teams" />
              <button type="submit" className="primary" disabled={busy || roles.length === 0} data-testid="user-save">
                Save
              </button>
            </form>
          )}
          {open === 'password' && (
            <form className="silence-form" onSubmit={savePassword} data-testid="user-password-form">
              <p className="muted small">Ends the user's sessions and unlocks it if failed logins locked it.</p>
              <div className="field grow">
                <label htmlFor={`${id}-password`}>New password</label>
                <input
                  id={`${id}-password`}
                  type="password"
                  autoComplete="new-password"
                  minLength={12}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  data-testid="user-new-password"
                />
              </div>
              <button type="submit" className="primary" disabled={busy || password.length < 12}>
                Set password
              </button>
            </form>
          )}
          {open === 'delete' && (
            <div className="button-row">
              <span className="small">Delete {user.name}? Its sessions end at once.</span>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void run(() => client.deleteUser(user.id))}
                data-testid="user-delete-confirm"
              >
                Delete user
              </button>
            </div>
          )}
          {problem && (
            <p className="error" role="alert" data-testid="user-action-error">
              {problem}
            </p>
          )}
        </div>
      </td>
    </tr>
  );
}
