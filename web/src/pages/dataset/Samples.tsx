// A text or code dataset's samples, 50 at a time; code is syntax-highlighted.
import { useEffect, useState } from 'react';
import { backend } from '../../api/current';
import type { Cell, Dataset } from '../../api/types';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBox } from '../../components/ErrorBox';
import { formatCount } from '../../lib/format';

const SAMPLE_PAGE = 50;

export function Samples({ dataset }: { dataset: Dataset }) {
  const table = dataset.tables[0];
  const [shown, setShown] = useState(SAMPLE_PAGE);
  const [rows, setRows] = useState<Cell[][]>([]);
  const [columns, setColumns] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const id = dataset.manifest.id;
  useEffect(() => {
    if (!table || rows.length >= Math.min(shown, table.rows)) return;
    let live = true;
    backend.rows(id, table.name, rows.length, shown - rows.length).then(
      (p) => {
        if (!live) return;
        setColumns(p.columns);
        setRows((r) => r.concat(p.rows));
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, table, shown, rows.length]);
  if (!table) return <p className="muted">This dataset has no samples.</p>;
  const iPrompt = columns.indexOf('prompt');
  const iText = columns.indexOf('text');
  const code = dataset.manifest.type === 'code';
  return (
    <>
      <ErrorBox error={error} />
      <div className="samples" data-testid="samples">
        {rows.map((r, n) => {
          const prompt = iPrompt >= 0 ? String(r[iPrompt] ?? '') : '';
          const text = iText >= 0 ? String(r[iText] ?? '') : '';
          return (
            <article className="sample" key={n} aria-label={`Sample ${n + 1}`}>
              <span className="muted">Sample {n + 1}</span>
              {code ? (
                <CodeBlock code={text} label={`Sample ${n + 1}`} />
              ) : (
                // The text holds the whole sample, prompt included; the prompt part is shown bold.
                <pre>
                  {prompt && text.startsWith(prompt) ? (
                    <>
                      <span className="prompt">{prompt}</span>
                      {text.slice(prompt.length)}
                    </>
                  ) : (
                    text
                  )}
                </pre>
              )}
            </article>
          );
        })}
      </div>
      {rows.length < table.rows && (
        <button
          type="button"
          onClick={() => setShown((s) => s + SAMPLE_PAGE)}
          style={{ marginTop: '0.5rem' }}
        >
          Show more ({formatCount(table.rows - rows.length)} left)
        </button>
      )}
    </>
  );
}
