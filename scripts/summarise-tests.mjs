// Prints one closing line over the unit (Vitest JSON) and end-to-end (Playwright JSON) results,
// in the plain 'N passed, N failed' form that CI reads.
import { existsSync, readFileSync } from 'node:fs';

const [unitPath, e2ePath] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

if (unitPath && existsSync(unitPath)) {
  const unit = JSON.parse(readFileSync(unitPath, 'utf8'));
  passed += unit.numPassedTests ?? 0;
  failed += unit.numFailedTests ?? 0;
  skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
}
if (e2ePath && existsSync(e2ePath)) {
  const e2e = JSON.parse(readFileSync(e2ePath, 'utf8'));
  passed += e2e.stats?.expected ?? 0;
  failed += (e2e.stats?.unexpected ?? 0) + (e2e.stats?.flaky ?? 0);
  skipped += e2e.stats?.skipped ?? 0;
} else if (e2ePath) {
  failed += 1;
  console.log(`no end-to-end results at ${e2ePath}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
