const { loadEnv } = require("@medusajs/framework/utils")
loadEnv("test", process.cwd())

const TEST_MATCH = {
  unit: ["**/src/**/__tests__/**/*.unit.spec.[jt]s"],
  "integration:http": ["**/integration-tests/http/*.spec.[jt]s"],
  "integration:browser": ["**/integration-tests/browser/*.spec.[jt]s"],
  // The ledger property test (npm run fuzz, npm run test:fuzz): never part of the default match.
  fuzz: ["**/integration-tests/fuzz/*.spec.[jt]s"],
  // The production topology (npm run test:scale): separate server and worker processes on Redis.
  scale: ["**/integration-tests/scale/*.spec.[jt]s"],
}

module.exports = {
  transform: {
    "^.+\\.[jt]s$": ["@swc/jest", { jsc: { parser: { syntax: "typescript", decorators: true }, target: "es2021" } }],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: ["dist/", "<rootDir>/.medusa/", "<rootDir>/integration-tests/browser/public/"],
  setupFiles: ["./integration-tests/setup.js"],
  testMatch: TEST_MATCH[process.env.TEST_TYPE] ?? [...TEST_MATCH.unit, ...TEST_MATCH["integration:http"]],
  testTimeout: 120000,
  // The demo's dashboard build is reused by the other browser files (integration-tests/browser/sequencer.js).
  ...(process.env.TEST_TYPE === "integration:browser"
    ? { testSequencer: "./integration-tests/browser/sequencer.js" }
    : {}),
}
