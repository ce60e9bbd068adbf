// Inline checking of a table schema typed into the editor: JSON syntax (with line and column), the
// formal schema (schemas/hyv-table-schema.json), and the cross-references JSON Schema cannot
// express (unique names, parents, foreign keys). The server's parser stays the final judge.
import tableSchema from '../../../schemas/hyv-table-schema.json';
import { parseJson } from './jsonText';
import { SchemaChecker, type Schema, type SchemaIssue } from './jsonSchema';

export interface SchemaCheck {
  value: unknown | null; // the parsed document, when it is JSON
  issues: SchemaIssue[]; // empty when the schema looks valid
  tables: string[];
}

const checker = new SchemaChecker(tableSchema as Schema);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function crossReferences(doc: Obj): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const tables = Array.isArray(doc.tables) ? doc.tables.filter(isObj) : [];
  const columnsOf = new Map<string, Set<string>>();
  tables.forEach((t, ti) => {
    const name = String(t.name ?? '');
    if (columnsOf.has(name)) {
      issues.push({ path: `tables[${ti}].name`, message: `table "${name}" is defined twice` });
    }
    const cols = new Set<string>();
    const columns = Array.isArray(t.columns) ? t.columns.filter(isObj) : [];
    columns.forEach((c, ci) => {
      const cname = String(c.name ?? '');
      if (cols.has(cname)) {
        issues.push({
          path: `tables[${ti}].columns[${ci}].name`,
          message: `column "${cname}" appears twice in table "${name}"`,
        });
      }
      cols.add(cname);
      const values = c.values;
      const weights = c.weights;
      if (Array.isArray(values) && Array.isArray(weights) && values.length !== weights.length) {
        issues.push({
          path: `tables[${ti}].columns[${ci}].weights`,
          message: `has ${weights.length} weights for ${values.length} values`,
        });
      }
    });
    columnsOf.set(name, cols);
  });
  tables.forEach((t, ti) => {
    if (typeof t.parent === 'string' && !columnsOf.has(t.parent)) {
      issues.push({ path: `tables[${ti}].parent`, message: `no table is named "${t.parent}"` });
    }
    const columns = Array.isArray(t.columns) ? t.columns.filter(isObj) : [];
    columns.forEach((c, ci) => {
      if (c.type !== 'foreign_key' || typeof c.references !== 'string') return;
      const dot = c.references.indexOf('.');
      const table = c.references.slice(0, dot);
      const column = c.references.slice(dot + 1);
      const target = columnsOf.get(table);
      const path = `tables[${ti}].columns[${ci}].references`;
      if (dot < 0) return; // the formal schema reports the form
      if (!target) issues.push({ path, message: `no table is named "${table}"` });
      else if (!target.has(column)) {
        issues.push({ path, message: `table "${table}" has no column "${column}"` });
      }
    });
  });
  return issues;
}

export function checkSchemaText(text: string): SchemaCheck {
  if (text.trim() === '') {
    return {
      value: null,
      issues: [{ path: '(document)', message: 'is empty: pick a template or paste a schema' }],
      tables: [],
    };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const e = parsed.error;
    return {
      value: null,
      issues: [{ path: `line ${e.line}, column ${e.column}`, message: e.message }],
      tables: [],
    };
  }
  const issues = checker.check(parsed.value);
  if (isObj(parsed.value)) issues.push(...crossReferences(parsed.value));
  const tables =
    isObj(parsed.value) && Array.isArray(parsed.value.tables)
      ? parsed.value.tables.filter(isObj).map((t) => String(t.name ?? ''))
      : [];
  return { value: parsed.value, issues, tables };
}
