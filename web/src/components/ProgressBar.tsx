import { formatPercent } from '../lib/format';

interface Props {
  done: number;
  total: number;
  label: string;
  state?: 'running' | 'done' | 'failed';
}

export function ProgressBar({ done, total, label, state = 'running' }: Props) {
  const pct = formatPercent(done, total);
  return (
    <div
      className={`progress ${state}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
    >
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}
