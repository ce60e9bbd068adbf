// A dataset's quality report: score gauges, text statistics, per-column distributions, correlation
// heat maps and per-column scores.
import { useMemo } from 'react';
import type { Dataset } from '../../api/types';
import { CorrelationCharts, DistributionChart, ScoreGauge } from '../../components/Charts';
import { formatScore } from '../../lib/format';
import {
  columnScores,
  datetimeColumns,
  qualityCharts,
  qualityGauges,
  textStats,
} from '../../lib/quality';

export function Quality({ dataset }: { dataset: Dataset }) {
  const m = dataset.manifest;
  const gauges = useMemo(() => qualityGauges(m.type, m.quality), [m]);
  const charts = useMemo(() => qualityCharts(m.quality), [m]);
  const stats = useMemo(() => textStats(m.quality), [m]);
  const scores = useMemo(() => columnScores(m.quality), [m]);
  const dates = useMemo(() => datetimeColumns(m), [m]);
  if (!m.quality) return <p className="muted">No quality report for this dataset.</p>;
  return (
    <>
      <div className="gauges">
        {gauges.map((g) => (
          <ScoreGauge key={g.label} label={g.label} score={g.score} />
        ))}
      </div>
      {stats.length > 0 && (
        <dl className="kv">
          {stats.map((s) => (
            <div key={s.label} style={{ display: 'contents' }}>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {charts && charts.columns.length > 0 && (
        <>
          <h3>Column distributions</h3>
          <div className="charts">
            {charts.columns.map((c) => (
              <DistributionChart key={c.name} chart={c} dates={dates.has(c.name)} />
            ))}
          </div>
        </>
      )}
      {charts?.correlation && charts.correlation.columns.length > 1 && (
        <>
          <h3>Correlations</h3>
          <CorrelationCharts chart={charts.correlation} />
        </>
      )}
      {scores.length > 0 && (
        <details>
          <summary>Column shape scores</summary>
          <table className="simple">
            <thead>
              <tr>
                <th>Column</th>
                <th>Metric</th>
                <th>Score</th>
              </tr>
            </thead>
            <tbody>
              {scores.map((s) => (
                <tr key={s.column}>
                  <td>{s.column}</td>
                  <td>{s.metric}</td>
                  <td>{formatScore(s.score)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}
