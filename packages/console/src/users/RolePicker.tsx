/**
 * Roles and teams as users and API tokens get them: roles picked from the
 * shipped policies' roles, teams typed as a comma-separated list.
 */
import { useId } from 'react';

/** The roles the shipped policies grant to people and service accounts (`agent` is for nodes). */
export const ROLE_CHOICES = [
  { role: 'admin', hint: 'everything, users and the audit trail included' },
  { role: 'operator', hint: 'reads, and acts on the nodes of its teams' },
  { role: 'viewer', hint: 'reads only' },
] as const;

/** Checkboxes for the roles; the caller keeps the picked ones. */
export function RolePicker(props: { roles: string[]; onChange: (roles: string[]) => void; testId: string }) {
  const id = useId();
  // Known roles in a fixed order, then any others the user already had (granted by stored policies).
  const toggle = (role: string, on: boolean) => {
    const picked = new Set(on ? [...props.roles, role] : props.roles.filter((r) => r !== role));
    const known: string[] = ROLE_CHOICES.map((c) => c.role).filter((r) => picked.has(r));
    props.onChange([...known, ...[...picked].filter((r) => !known.includes(r))]);
  };
  return (
    <fieldset className="field" data-testid={props.testId}>
      <legend className="label">Roles</legend>
      <div className="chips">
        {ROLE_CHOICES.map(({ role, hint }) => (
          <label key={role} htmlFor={`${id}-${role}`} className="check" title={hint}>
            <input
              id={`${id}-${role}`}
              type="checkbox"
              checked={props.roles.includes(role)}
              onChange={(e) => toggle(role, e.target.checked)}
              data-testid={`${props.testId}-${role}`}
            />{' '}
            {role}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The teams field: comma-separated names. */
export function TeamsField(props: { value: string; onChange: (text: string) => void; testId: string }) {
  const id = useId();
  return (
    <div className="field grow">
      <label htmlFor={`${id}-teams`}>Teams</label>
      <input
        id={`${id}-teams`}
        placeholder="e.g. blue, payments"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      />
    </div>
  );
}

/** Roles or teams as small chips, or a dash when there are none. */
export function Chips({ items }: { items: readonly string[] }) {
  if (items.length === 0) return <span className="muted">—</span>;
  return (
    <span className="chips">
      {items.map((item) => (
        <span key={item} className="chip">
          {item}
        </span>
      ))}
    </span>
  );
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
