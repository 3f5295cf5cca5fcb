import process from 'node:process';

/**
 * Ends the run with the plain line "N passed, N failed[, N skipped]" that CI reads to know how
 * many tests ran (Jest's own summary is not in a form it recognises).
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
