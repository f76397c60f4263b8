// Prints `tests: N passed, N failed` for jest JSON reports (`--json --outputFile`), summed.
// A report that is missing or unreadable counts as one failed test: a run that crashed
// before reporting (a failed build, a killed process) must not read as a pass.
// Exits 1 when a report is missing or ran no test.
/* global process, console */
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let broken = false;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    if (report.numTotalTests === 0) broken = true;
  } catch (error) {
    console.error(`no jest report in ${file}: ${error.message}`);
    failed += 1;
    broken = true;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
if (broken) process.exitCode = 1;
