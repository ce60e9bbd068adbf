// A small JSON Schema (2020-12) checker covering the keywords schemas/hyv-table-schema.json uses,
// so the schema editor checks a table schema against the same formal description the CLI documents.
// oneOf branches that each fix `type` with a const are chosen by the value's `type`, which gives
// one precise message ("tables[0].columns[2].mean: not allowed for a 'categorical' column") instead
// of one per branch.

export type Schema = Record<string, unknown>;

export interface SchemaIssue {
  path: string; // like tables[0].columns[2].min
  message: string;
}

type Json = unknown;

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: Json, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}["${key}"]`;
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

export class SchemaChecker {
  constructor(private readonly root: Schema) {}

  check(value: Json): SchemaIssue[] {
    const issues: SchemaIssue[] = [];
    this.visit(this.root, value, '', issues);
    return issues;
  }

  private resolve(s: Schema): Schema {
    let cur = s;
    for (let n = 0; typeof cur.$ref === 'string' && n < 32; n++) {
      const ref = cur.$ref as string;
      if (!ref.startsWith('#/')) break;
      let target: unknown = this.root;
      for (const part of ref.slice(2).split('/')) {
        target = (target as Record<string, unknown>)?.[
          part.replace(/~1/g, '/').replace(/~0/g, '~')
        ];
      }
      cur = (target ?? {}) as Schema;
    }
    return cur;
  }

  private visit(schemaIn: Schema, v: Json, path: string, out: SchemaIssue[]): void {
    const s = this.resolve(schemaIn);
    const where = path || '(document)';
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => matchesType(v, t))) {
        out.push({ path: where, message: `must be ${types.join(' or ')}, not ${typeOf(v)}` });
        return;
      }
    }
    if ('const' in s && !equal(v, s.const)) {
      out.push({ path: where, message: `must be ${describe(s.const)}` });
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, v))) {
      out.push({ path: where, message: `must be one of ${s.enum.map(describe).join(', ')}` });
    }
    if (s.not && this.passes(s.not as Schema, v)) {
      out.push({ path: where, message: `must not be ${describe(v)}` });
    }
    if (typeof v === 'number') this.numberRules(s, v, where, out);
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && [...v].length < s.minLength) {
        out.push({
          path: where,
          message:
            s.minLength === 1
              ? 'must not be empty'
              : `must have at least ${s.minLength} characters`,
        });
      }
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) {
        out.push({ path: where, message: `${describe(v)} does not have the expected form` });
      }
    }
    if (Array.isArray(v)) this.arrayRules(s, v, path, out);
    if (typeOf(v) === 'object') this.objectRules(s, v as Record<string, Json>, path, out);
    if (Array.isArray(s.anyOf)) {
      const branches = s.anyOf as Schema[];
      if (!branches.some((b) => this.passes(b, v))) {
        const first: SchemaIssue[] = [];
        this.visit(branches[0], v, path, first);
        out.push(...first.slice(0, 1));
      }
    }
    if (Array.isArray(s.oneOf)) this.oneOf(s.oneOf as Schema[], v, path, out);
  }

  private numberRules(s: Schema, v: number, where: string, out: SchemaIssue[]) {
    if (typeof s.minimum === 'number' && v < s.minimum) {
      out.push({ path: where, message: `must be at least ${s.minimum}` });
    }
    if (typeof s.maximum === 'number' && v > s.maximum) {
      out.push({ path: where, message: `must be at most ${s.maximum}` });
    }
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) {
      out.push({ path: where, message: `must be greater than ${s.exclusiveMinimum}` });
    }
  }

  private arrayRules(s: Schema, v: Json[], path: string, out: SchemaIssue[]) {
    const where = path || '(document)';
    if (typeof s.minItems === 'number' && v.length < s.minItems) {
      out.push({
        path: where,
        message: `needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`,
      });
    }
    if (s.uniqueItems === true) {
      const seen = new Set<string>();
      for (const item of v) {
        const k = JSON.stringify(item);
        if (seen.has(k)) out.push({ path: where, message: `lists ${describe(item)} twice` });
        seen.add(k);
      }
    }
    if (s.items && typeof s.items === 'object') {
      v.forEach((item, i) => this.visit(s.items as Schema, item, join(path, i), out));
    }
  }

  private objectRules(s: Schema, v: Record<string, Json>, path: string, out: SchemaIssue[]) {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of (s.required ?? []) as string[]) {
      if (!(key in v)) out.push({ path: join(path, key), message: 'is required' });
    }
    const deps = (s.dependentRequired ?? {}) as Record<string, string[]>;
    for (const [key, needs] of Object.entries(deps)) {
      if (!(key in v)) continue;
      for (const need of needs) {
        if (!(need in v))
          out.push({ path: join(path, need), message: `is required with "${key}"` });
      }
    }
    for (const [key, child] of Object.entries(v)) {
      if (key in props) this.visit(props[key], child, join(path, key), out);
      else if (s.additionalProperties === false) {
        const kind =
          typeof v.type === 'string' && (props.type as Schema)?.const
            ? ` for a '${v.type}' column`
            : '';
        out.push({
          path: join(path, key),
          message: `unknown key${kind}; allowed: ${Object.keys(props).join(', ')}`,
        });
      }
    }
  }

  private oneOf(branches: Schema[], v: Json, path: string, out: SchemaIssue[]) {
    const consts = branches.map((b) => {
      const r = this.resolve(b);
      return ((r.properties as Record<string, Schema> | undefined)?.type?.const as string) ?? null;
    });
    if (consts.every((c) => c !== null) && typeOf(v) === 'object') {
      const t = (v as Record<string, Json>).type;
      const index = consts.indexOf(t as string);
      if (index < 0) {
        const where = join(path, 'type');
        if (t === undefined) out.push({ path: where, message: 'is required' });
        else
          out.push({
            path: where,
            message: `unknown type ${describe(t)}; known: ${consts.join(', ')}`,
          });
        return;
      }
      this.visit(branches[index], v, path, out);
      return;
    }
    const passing = branches.filter((b) => this.passes(b, v)).length;
    if (passing !== 1) {
      out.push({
        path: path || '(document)',
        message: passing === 0 ? 'matches none of the allowed forms' : 'is ambiguous',
      });
    }
  }

  private passes(s: Schema, v: Json): boolean {
    const issues: SchemaIssue[] = [];
    this.visit(s, v, '', issues);
    return issues.length === 0;
  }
}
