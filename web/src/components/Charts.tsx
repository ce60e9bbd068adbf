// Quality report charts as plain SVG: score gauges, real-vs-synthetic distributions per column and
// correlation heat maps. Each chart has a text alternative (a title and, for distributions, a
// visually hidden table) so the numbers are not only in pixels.
import type { ColumnChart, CorrelationChart } from '../api/types';
import { formatScore } from '../lib/format';
import { dateBinLabel } from '../lib/quality';

export function ScoreGauge({ label, score }: { label: string; score: number | null | undefined }) {
  const v =
    score === null || score === undefined || !Number.isFinite(score)
      ? null
      : Math.max(0, Math.min(1, score));
  const r = 50;
  const arc = (to: number) => {
    const a = Math.PI * (1 - to);
    return `M ${60 - r} 60 A ${r} ${r} 0 0 1 ${60 + r * Math.cos(a)} ${60 - r * Math.sin(a)}`;
  };
  const color =
    v === null ? '#999' : v >= 0.8 ? 'var(--ok)' : v >= 0.6 ? 'var(--warn)' : 'var(--danger)';
  return (
    <figure className="gauge" role="img" aria-label={`${label}: ${formatScore(v)}`}>
      <svg viewBox="0 0 120 68" aria-hidden="true">
        <path d={arc(1)} fill="none" stroke="#e4e8ef" strokeWidth="12" />
        {v !== null && v > 0 && <path d={arc(v)} fill="none" stroke={color} strokeWidth="12" />}
      </svg>
      <div className="value">{formatScore(v)}</div>
      <figcaption className="muted">{label}</figcaption>
    </figure>
  );
}

export function Legend({ real }: { real: boolean }) {
  return (
    <div className="legend" aria-hidden="true">
      {real && (
        <span>
          <span className="swatch" style={{ background: 'var(--real)' }} />
          real
        </span>
      )}
      <span>
        <span className="swatch" style={{ background: 'var(--synthetic)' }} />
        synthetic
      </span>
    </div>
  );
}

export function DistributionChart({
  chart,
  dates = false,
}: {
  chart: ColumnChart;
  dates?: boolean;
}) {
  const raw = chart.bins ?? chart.categories ?? [];
  const labels = dates && chart.bins ? raw.map(dateBinLabel) : raw;
  const real = chart.real;
  const synth = chart.synthetic ?? [];
  const n = labels.length;
  const max = Math.max(1e-9, ...synth, ...(real ?? []));
  const W = 300;
  const H = 150;
  const plotH = 110;
  const groupW = n > 0 ? W / n : W;
  const barW = Math.max(1, (groupW - 2) / (real ? 2 : 1));
  return (
    <figure className="chart">
      <figcaption>
        {chart.name} <span className="muted">({chart.kind})</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Distribution of ${chart.name}`}>
        <line x1="0" y1={plotH} x2={W} y2={plotH} stroke="#ccd" />
        {labels.map((label, i) => {
          const x = i * groupW + 1;
          const rh = real ? ((real[i] ?? 0) / max) * (plotH - 4) : 0;
          const sh = ((synth[i] ?? 0) / max) * (plotH - 4);
          return (
            <g key={i}>
              <title>{`${label}: ${real ? `real ${formatScore(real[i])}, ` : ''}synthetic ${formatScore(synth[i])}`}</title>
              {real && <rect x={x} y={plotH - rh} width={barW} height={rh} fill="var(--real)" />}
              <rect
                x={x + (real ? barW : 0)}
                y={plotH - sh}
                width={barW}
                height={sh}
                fill="var(--synthetic)"
              />
              {n <= 12 && (
                <text
                  x={x + groupW / 2 - 1}
                  y={plotH + 12}
                  fontSize="8"
                  textAnchor="middle"
                  fill="#556"
                >
                  {label.length > 9 ? label.slice(0, 8) + '…' : label}
                </text>
              )}
            </g>
          );
        })}
        {n > 12 && (
          <>
            <text x="0" y={plotH + 12} fontSize="8" fill="#556">
              {labels[0]}
            </text>
            <text x={W} y={plotH + 12} fontSize="8" fill="#556" textAnchor="end">
              {labels[n - 1]}
            </text>
          </>
        )}
      </svg>
      <Legend real={!!real} />
      <table className="sr-only">
        <caption>{chart.name}</caption>
        <thead>
          <tr>
            <th>{chart.bins ? 'bin' : 'category'}</th>
            {real && <th>real</th>}
            <th>synthetic</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={i}>
              <td>{label}</td>
              {real && <td>{formatScore(real[i])}</td>}
              <td>{formatScore(synth[i])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

// Correlation -1..1 as a diverging colour: blue for positive, orange for negative.
export function correlationColor(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '#eeeeee';
  const t = Math.max(-1, Math.min(1, v));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * Math.abs(t));
  const [r, g, b] = t >= 0 ? [36, 87, 197] : [224, 123, 57];
  return `rgb(${mix(255, r)}, ${mix(255, g)}, ${mix(255, b)})`;
}

export function Heatmap({
  title,
  columns,
  matrix,
}: {
  title: string;
  columns: string[];
  matrix: number[][];
}) {
  const n = columns.length;
  const cell = 24;
  const pad = 70;
  const size = pad + n * cell;
  const right = 50; // room for the last rotated column label
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${size + right} ${size}`}
        role="img"
        aria-label={`${title}: correlations of ${n} numeric columns`}
        style={{ maxWidth: `${Math.max(size + right, 200)}px` }}
      >
        {columns.map((c, i) => (
          <g key={c}>
            <text
              x={pad - 4}
              y={pad + i * cell + cell / 2 + 3}
              fontSize="9"
              textAnchor="end"
              fill="#334"
            >
              {c.length > 11 ? c.slice(0, 10) + '…' : c}
            </text>
            <text
              x={pad + i * cell + cell / 2}
              y={pad - 4}
              fontSize="9"
              fill="#334"
              transform={`rotate(-45 ${pad + i * cell + cell / 2} ${pad - 4})`}
            >
              {c.length > 11 ? c.slice(0, 10) + '…' : c}
            </text>
          </g>
        ))}
        {matrix.map((row, i) =>
          row.map((v, j) => (
            <rect
              key={`${i}-${j}`}
              x={pad + j * cell}
              y={pad + i * cell}
              width={cell - 1}
              height={cell - 1}
              fill={correlationColor(v)}
            >
              <title>{`${columns[i]} × ${columns[j]}: ${v === null || v === undefined ? 'undefined' : v.toFixed(2)}`}</title>
            </rect>
          )),
        )}
      </svg>
    </figure>
  );
}

export function CorrelationCharts({ chart }: { chart: CorrelationChart }) {
  if (!chart.columns?.length) return null;
  return (
    <div className="charts">
      {chart.real && (
        <Heatmap title="Correlation, real" columns={chart.columns} matrix={chart.real} />
      )}
      <Heatmap title="Correlation, synthetic" columns={chart.columns} matrix={chart.synthetic} />
    </div>
  );
}
