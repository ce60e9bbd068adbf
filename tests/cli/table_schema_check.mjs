// Validates files against schemas/hyv-table-schema.json with Ajv (an independent JSON Schema
// implementation). Usage: node table_schema_check.mjs expect-valid|expect-invalid FILE...
// Prints the column types the JSON Schema allows with: node table_schema_check.mjs types
import Ajv2020 from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";

const schema = JSON.parse(readFileSync("schemas/hyv-table-schema.json", "utf8"));
const [mode, ...files] = process.argv.slice(2);
if (mode === "types") {
  console.log(schema.$defs.column.oneOf.map((c) => c.properties.type.const).sort().join("\n"));
  process.exit(0);
}
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
let wrong = 0;
for (const f of files) {
  const ok = validate(JSON.parse(readFileSync(f, "utf8")));
  if (ok !== (mode === "expect-valid")) {
    wrong++;
    console.error(`${f}: ${ok ? "valid, expected invalid" : JSON.stringify(validate.errors.slice(0, 3))}`);
  }
}
process.exit(wrong ? 1 : 0);
