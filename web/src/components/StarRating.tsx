// A 1-5 star rating as a radio group, so arrow keys, Tab and screen readers work as for any radio
// buttons.
import { useId, useState } from 'react';

interface Props {
  value: number | null;
  onChange: (stars: number) => void;
  disabled?: boolean;
}

export function StarRating({ value, onChange, disabled }: Props) {
  const name = useId();
  const [hover, setHover] = useState<number | null>(null);
  const shown = hover ?? value ?? 0;
  return (
    <fieldset className="rating" disabled={disabled}>
      <legend className="label">Your rating</legend>
      <div className="stars" onMouseLeave={() => setHover(null)}>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={n <= shown ? 'on' : ''} onMouseEnter={() => setHover(n)}>
            <input
              type="radio"
              name={name}
              value={n}
              checked={value === n}
              onChange={() => onChange(n)}
              aria-label={`${n} star${n === 1 ? '' : 's'}`}
            />
            <span aria-hidden="true">★</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
