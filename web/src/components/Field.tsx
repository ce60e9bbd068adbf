// A labelled form field with its help text and error, wired for screen readers: the control gets
// the ids to put in aria-describedby.
import type { ReactNode } from 'react';

interface Props {
  id: string;
  label: string;
  help?: ReactNode;
  error?: string;
  children: (describedBy: string | undefined) => ReactNode;
}

export function Field({ id, label, help, error, children }: Props) {
  const helpId = help ? `${id}-help` : undefined;
  const errId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(describedBy)}
      {help && (
        <span className="help" id={helpId}>
          {help}
        </span>
      )}
      {error && (
        <span className="error" id={errId}>
          {error}
        </span>
      )}
    </div>
  );
}
