// Code samples with syntax highlighting (highlight.js, Python: the code model writes Python).
import { useMemo } from 'react';
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import 'highlight.js/styles/github-dark.css';

hljs.registerLanguage('python', python);

export function CodeBlock({ code, label }: { code: string; label?: string }) {
  // highlight.js escapes the text it is given, so its HTML is safe to insert.
  const html = useMemo(
    () => hljs.highlight(code, { language: 'python', ignoreIllegals: true }).value,
    [code],
  );
  return (
    <pre className="code hljs" aria-label={label} tabIndex={0}>
      <code dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}
