import { defineConfig } from "@medusajs/framework/utils"
import { paymentModuleWithSandbox, pluginWithTestOptions } from "../helpers/test-store-config"

/**
 * The store of the browser test: the HTTP tests' store, with the admin dashboard served from the production build
 * that the spec makes first (integration-tests/browser/public/admin, with this plugin's widget in it).
 */
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
  plugins: [pluginWithTestOptions()],
  modules: [paymentModuleWithSandbox()],
})

// @medusajs/test-utils turns the admin off (Object.assign(admin, {disable: true})) before it boots the app; this
// test is about the admin, so the flag ignores that write.
Object.defineProperty(config.admin, "disable", { get: () => false, set: () => undefined, enumerable: true })

module.exports = config
