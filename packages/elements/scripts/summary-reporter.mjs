// A Web Test Runner reporter: counts tests over every session and writes
// test-results/summary.json ({passed, failed, skipped, files}) for the top-level test command,
// then prints one plain "N passed, N failed" line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals);
}

/** @param {{ outputFile: string }} options */
export function summaryReporter({ outputFile }) {
  let totals;
  return {
    onTestRunFinished({ sessions }) {
      totals = { passed: 0, failed: 0, skipped: 0, files: sessions.length };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        // A file that failed to load, or errored outside a test, counts as one failure.
        const ranNothing = !session.testResults || (session.testResults.tests.length === 0 && session.testResults.suites.length === 0);
        if (session.passed === false && (ranNothing || session.errors.length > 0)) totals.failed += 1;
      }
      mkdirSync(dirname(outputFile), { recursive: true });
      writeFileSync(outputFile, `${JSON.stringify(totals, null, 2)}\n`);
    },
    stop() {
      if (totals) console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
    },
  };
}
