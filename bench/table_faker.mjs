// Schema-driven tables: `hyv generate table` beside @faker-js/faker making the same 8 columns
// (full name, e-mail from that name, street address, birth date, integer, company, phone, UUID)
// as CSV files, one thread each, rounds interleaved. Prints a Markdown table of medians.
//   node bench/table_faker.mjs --hyv build/hyv --schema examples/people8.json --dir TMP \
//        [--hyv-rows 1000000] [--faker-rows 200000] [--rounds 3]
import { spawnSync } from "node:child_process";
import { createWriteStream, readFileSync, statSync } from "node:fs";
import { faker } from "@faker-js/faker";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const hyv = args.hyv, schema = args.schema, dir = args.dir;
const hyvRows = Number(args["hyv-rows"] ?? 1000000);
const fakerRows = Number(args["faker-rows"] ?? 200000);
const rounds = Number(args.rounds ?? 3);

// RFC 4180 field, as hyv writes it.
const field = (s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

async function runFaker(path, rows) {
  faker.seed(1);
  const out = createWriteStream(path);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let buf = "name,email,street_address,birth_date,score,company,phone,uuid\r\n";
  for (let i = 0; i < rows; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const birth = faker.date.birthdate({ mode: "year", min: 1940, max: 2006 });
    buf +=
      [
        field(`${firstName} ${lastName}`),
        field(faker.internet.email({ firstName, lastName })),
        field(faker.location.streetAddress()),
        birth.toISOString().slice(0, 10),
        String(faker.number.int({ min: 0, max: 1000 })),
        field(faker.company.name()),
        field(faker.phone.number()),
        faker.string.uuid(),
      ].join(",") + "\r\n";
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await new Promise((r) => out.once("drain", r));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise((r) => out.end(r));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { secs, cpu: (cpu.user + cpu.system) / 1e6 };
}

function runHyv(path, rows) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", hyv, "generate", "table", "-q", "--schema", schema,
    "--rows", String(rows), "--seed", "1", "-o", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`hyv failed: ${r.stderr}`);
  const [wall, user, sys] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { secs: wall, cpu: user + sys };
}

const lines = (path) => readFileSync(path, "utf8").split("\r\n").length - 2;  // header and final CRLF
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const h = [], f = [];
for (let i = 0; i < rounds; i++) {
  h.push(runHyv(`${dir}/hyv.csv`, hyvRows));
  f.push(await runFaker(`${dir}/faker.csv`, fakerRows));
}
if (lines(`${dir}/hyv.csv`) !== hyvRows) throw new Error("hyv wrote the wrong number of rows");
if (lines(`${dir}/faker.csv`) !== fakerRows) throw new Error("faker wrote the wrong number of rows");
const row = (name, rows, runs, path) => {
  const wall = median(runs.map((r) => r.secs)), cpu = median(runs.map((r) => r.cpu));
  return { name, rows, wall, cpu, rate: rows / wall, cpuRate: rows / cpu, mb: statSync(path).size / 1e6 };
};
const a = row("hyv generate table", hyvRows, h, `${dir}/hyv.csv`);
const b = row(`@faker-js/faker ${JSON.parse(readFileSync("node_modules/@faker-js/faker/package.json", "utf8")).version}`,
  fakerRows, f, `${dir}/faker.csv`);
const fmt = (x) => Math.round(x).toLocaleString("en-US");
console.log("| generator | rows | CSV MB | seconds (wall) | rows/s (wall) | rows/s (CPU time) |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of [a, b])
  console.log(`| ${r.name} | ${fmt(r.rows)} | ${r.mb.toFixed(1)} | ${r.wall.toFixed(2)} | ${fmt(r.rate)} | ${fmt(r.cpuRate)} |`);
console.log(`\nhyv / faker: **${(a.rate / b.rate).toFixed(1)}×** wall-clock, ${(a.cpuRate / b.cpuRate).toFixed(1)}× CPU time (aim ≥ 50×)`);
console.log(`per-round seconds: hyv ${h.map((r) => r.secs.toFixed(2)).join(" ")}; faker ${f.map((r) => r.secs.toFixed(2)).join(" ")}`);
