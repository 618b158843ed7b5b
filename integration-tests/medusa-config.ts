import { defineConfig } from "@medusajs/framework/utils"
import { paymentModuleWithSandbox, pluginWithTestOptions } from "./helpers/test-store-config"

/**
 * The store the HTTP tests boot: this plugin (built into .medusa/server) and its provider, pointed at the local
 * i'mport sandbox that each spec starts first and names in IAMPORT_SANDBOX_URL.
 */
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      jwtSecret: "integration-jwt-secret",
      cookieSecret: "integration-cookie-secret",
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
    },
  },
  admin: { disable: true },
  plugins: [pluginWithTestOptions()],
  // webhook_delay is read back as 5 s whatever is set here in 2.21 (see docs/design.md); 1 states the intent.
  modules: [paymentModuleWithSandbox({ webhook_delay: 1, webhook_retries: 1 })],
})
