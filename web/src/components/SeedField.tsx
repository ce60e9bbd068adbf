// The seed input every Generate form shares: a decimal string (seeds are full uint64s, past what a
// JavaScript number holds exactly); empty lets the server draw one and record it.
import { Field } from './Field';

interface Props {
  id: string;
  help: string;
  value: string;
  error?: string;
  onChange: (seed: string) => void;
}

export function SeedField({ id, help, value, error, onChange }: Props) {
  return (
    <Field id={id} label="Seed" help={help} error={error}>
      {(d) => (
        <input
          id={id}
          type="text"
          inputMode="numeric"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={d}
        />
      )}
    </Field>
  );
}
