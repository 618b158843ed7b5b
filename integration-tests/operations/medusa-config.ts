import { defineConfig, Modules } from "@medusajs/framework/utils"
import { paymentModuleWithSandbox, pluginWithTestOptions } from "../helpers/test-store-config"

/**
 * The store of operations.spec.ts: the HTTP tests' store with Medusa's RBAC on (so the plugin's route policies are
 * enforced), the test-payment cleanup at 60 minutes, and a carrier mapping for delivery reports. The rbac module is
 * named here because defineConfig decides whether to load it before the feature flag is read.
 */
const payment = paymentModuleWithSandbox()
const [provider] = payment.options.providers

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      jwtSecret: "operations-jwt-secret",
      cookieSecret: "operations-cookie-secret",
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
    },
  },
  featureFlags: { rbac: true },
  admin: { disable: true },
  plugins: [
    {
      ...pluginWithTestOptions(),
      options: { ...pluginWithTestOptions().options, deliveryCarriers: { manual_manual: "CJ Logistics" } },
    },
  ],
  modules: [
    {
      ...payment,
      options: {
        ...payment.options,
        providers: [{ ...provider, options: { ...provider.options, autoCancelTestPaymentsAfterMinutes: 60 } }],
      },
    },
    { key: Modules.RBAC, resolve: "@medusajs/medusa/rbac" },
  ],
})
