// A Web Test Runner reporter that counts tests (not files) per browser and writes the totals
// to $WTR_COUNTS_FILE, so `npm test` can print one "N passed, N failed" line for everything,
// and the test files and single tests that took longest (a file: its tests' durations summed, per
// browser): where a slow CI run spends its time. It also lists each failed test with its error's
// first line, which `npm test` prints next to its closing line: CI keeps only the log's tail.
import { writeFileSync } from 'node:fs';

/** The first line of an error message (at most 300 characters): what the closing list shows. */
const firstLine = (text) =>
  String(text ?? 'no error message')
    .split('\n')[0]
    .slice(0, 300);

/** Each test of a suite and its children, with its full name and duration (ms). */
function testsOf(suite, prefix, out) {
  for (const test of suite.tests ?? [])
    out.push({
      name: `${prefix}${test.name}`,
      ms: test.duration ?? 0,
      ...(!test.passed && !test.skipped ? { error: firstLine(test.error?.message) } : {}),
    });
  for (const child of suite.suites ?? []) testsOf(child, `${prefix}${child.name} › `, out);
  return out;
}

function countSuite(suite, counts) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite.suites ?? []) countSuite(child, counts);
}

export function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const perBrowser = {};
      const files = [];
      const tests = [];
      const failures = [];
      for (const session of sessions) {
        const name = session.browser.name;
        const counts = (perBrowser[name] ??= { passed: 0, failed: 0, skipped: 0 });
        if (session.testResults) countSuite(session.testResults, counts);
        // A test file that failed to load or threw outside a test counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) {
          counts.failed++;
          failures.push({
            name: '(the file itself)',
            file: session.testFile,
            browser: name,
            error: firstLine(session.errors[0]?.message),
          });
        }
        if (session.testResults) {
          const own = testsOf(session.testResults, '', []).map((test) => ({ ...test, file: session.testFile, browser: name }));
          tests.push(...own);
          failures.push(...own.filter((test) => 'error' in test));
          files.push({ file: session.testFile, browser: name, ms: own.reduce((sum, test) => sum + test.ms, 0) });
        }
      }
      const slowest = files.sort((a, b) => b.ms - a.ms).slice(0, 10);
      const slowestTests = tests.sort((a, b) => b.ms - a.ms).slice(0, process.env.WTR_ALL_FILES ? 200 : 10);
      if (process.env.WTR_COUNTS_FILE)
        writeFileSync(
          process.env.WTR_COUNTS_FILE,
          JSON.stringify({ perBrowser, slowest, slowestTests, failures, ...(process.env.WTR_ALL_FILES ? { files } : {}) }),
        );
    },
  };
}
