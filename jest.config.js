/** ts-jest in ESM mode: Probot 14 is ESM only. */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30000,
  // Says loudly, before and after the run, when the Redis suites are skipped (no redis-server).
  globalSetup: "<rootDir>/test/helpers/redis-notice.ts",
  globalTeardown: "<rootDir>/test/helpers/redis-notice.ts",
};
