// StrykerJS configuration for scripts/mutation (not run in CI: a full run
// takes hours on two cores). Read docs/mutation-testing.md first.
//
// Runner: @stryker-mutator/tap-runner runs each test file as its own
// `node --import tsx --test-reporter=tap FILE` process. node:test prints TAP,
// tsx runs the instrumented .ts straight from Stryker's sandbox copy (no
// build step, so what is mutated is what runs), and Stryker's per-file
// coverage lets each mutant run only the test files that reach it.
// Only fast, in-process tests are listed: the unit suite and the simulator's
// scenario and checker tests. Namespace and interop tests need root and a
// kernel, and the swarm tests take tens of seconds each.
const concurrency = Number(process.env.VIPKEEPER_MUTATION_CONCURRENCY ?? 2);

export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: [
      'test/unit/*.test.ts',
      'test/sim/checkers*.test.ts',
      'test/sim/scenarios*.test.ts',
      'test/sim/infra.test.ts',
    ],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  // The pure core, the config (pure except load.ts, kept: it is small and
  // unit-tested) and the receive path's edge.
  mutate: [
    'src/vrrp/**/*.ts',
    'src/config/**/*.ts',
    'src/net/vrrp-socket.ts',
  ],
  // The sandbox needs src/ and test/ (and package.json for "type": "module");
  // not the build outputs or the addon's objects.
  ignorePatterns: ['dist', 'native/build', 'coverage', 'reports', 'debian', '.stryker-tmp'],
  concurrency,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  disableTypeChecks: '{src,test}/**/*.ts',
};
