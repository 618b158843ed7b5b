import path from "node:path"
import { defineConfig } from "@medusajs/framework/utils"

/**
 * The store of the browser test: the HTTP tests' store, with the admin dashboard served from the production build
 * that the spec makes first (integration-tests/browser/public/admin, with this plugin's widget in it).
 */
const root = path.resolve(__dirname, "../..")

const config = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      jwtSecret: "browser-jwt-secret",
      cookieSecret: "browser-cookie-secret",
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
    },
  },
  admin: { path: "/app", backendUrl: "/" },
  plugins: [{ resolve: root, options: { rejectionGraceSeconds: 0 } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      options: {
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
            },
          },
        ],
      },
    },
  ],
})

// @medusajs/test-utils turns the admin off (Object.assign(admin, {disable: true})) before it boots the app; this
// test is about the admin, so the flag ignores that write.
Object.defineProperty(config.admin, "disable", { get: () => false, set: () => undefined, enumerable: true })

module.exports = config
