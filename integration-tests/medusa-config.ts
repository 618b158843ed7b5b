import path from "node:path"
import { defineConfig } from "@medusajs/framework/utils"

/**
 * The store the HTTP tests boot: this plugin (built into .medusa/server) and its provider, pointed at the local
 * i'mport sandbox that each spec starts first and names in IAMPORT_SANDBOX_URL.
 */
const root = path.resolve(__dirname, "..")

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
  // No grace: the tests' rejection notices arrive seconds after the request.
  plugins: [{ resolve: root, options: { rejectionGraceSeconds: 0 } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        // 0 would mean Medusa's default of 5 s.
        webhook_delay: 1,
        webhook_retries: 1,
        providers: [
          {
            resolve: path.join(root, ".medusa/server/src/providers/iamport-paymentwall"),
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
    },
  ],
})
