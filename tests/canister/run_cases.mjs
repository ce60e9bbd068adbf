// Runs named test cases in order, prints ok/FAIL for each, and exits 1 if any failed.
export function runCases(label, cases) {
  let failed = 0;
  for (const [name, fn] of cases) {
    try {
      fn();
      console.log(`ok   ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}\n${e.stack}`);
    }
  }
  if (failed > 0) {
    console.log(`${failed} of ${cases.length} cases failed`);
    process.exit(1);
  }
  console.log(`${label}: all ${cases.length} cases passed`);
}
