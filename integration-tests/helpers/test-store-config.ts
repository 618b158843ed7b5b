import path from "node:path"

/** The repository root: the plugin, loaded from its build in .medusa/server as a store loads the package. */
export const PLUGIN_ROOT = path.resolve(__dirname, "../..")

/** The payment module as the test stores configure it: the Paymentwall provider against the local sandbox. */
export function paymentModuleWithSandbox(extra: Record<string, unknown> = {}) {
  return {
    resolve: "@medusajs/medusa/payment",
    options: {
      ...extra,
      providers: [
        {
          resolve: path.join(PLUGIN_ROOT, ".medusa/server/src/providers/iamport-paymentwall"),
          id: "paymentwall",
          options: {
            impKey: "sandbox_imp_key",
            impSecret: "sandbox_imp_secret",
            impCode: "imp12345678",
            channelKey: "channel-key-paymentwall-test",
            mode: "test",
            apiBaseUrl: process.env.IAMPORT_SANDBOX_URL ?? "http://127.0.0.1:8891",
            timeoutMs: 5000,
          },
        },
      ],
    },
  }
}

/**
 * No grace: the tests' rejection notices arrive seconds after the request. The HTTP suites count i'mport's calls and
 * run the jobs' work themselves, so the jobs that call i'mport are off there (a run at the quarter hour would land in
 * the middle of a test).
 */
export const pluginWithTestOptions = () => ({
  resolve: PLUGIN_ROOT,
  options: { rejectionGraceSeconds: 0, scheduledJobs: process.env.TEST_TYPE !== "integration:http" },
})
