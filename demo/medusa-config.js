/* The demo store (npm run demo): Medusa with this plugin, in test mode against the local i'mport + Paymentwall
 * sandbox. scripts/demo.js sets the environment below. */
const path = require("node:path")
const { defineConfig } = require("@medusajs/framework/utils")

const root = path.resolve(__dirname, "..")
const env = (name) => {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: start the demo store with npm run demo`)
  }
  return value
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: env("DATABASE_URL"),
    databaseDriverOptions: { connection: { ssl: false } },
    // `medusa start` runs in production mode, whose session cookie is Secure; express-session never sets one over
    // plain http, so the admin would be signed out on every reload. The demo serves http://localhost only; a real
    // store serves https and keeps Medusa's default.
    cookieOptions: { secure: false, sameSite: "lax" },
    http: {
      jwtSecret: "demo-jwt-secret",
      cookieSecret: "demo-cookie-secret",
      storeCors: env("DEMO_STOREFRONT_URL"),
      adminCors: env("DEMO_API_URL"),
      authCors: `${env("DEMO_API_URL")},${env("DEMO_STOREFRONT_URL")}`,
    },
  },
  admin: { path: "/app", backendUrl: env("DEMO_API_URL") },
  // Quick rejections for the demo: a rejected ticket frees its money at once (production: the default grace).
  plugins: [{ resolve: root, options: { rejectionGraceSeconds: 0 } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        providers: [
          {
            // The built provider, as a store loads it from the package.
            resolve: path.join(root, ".medusa/server/src/providers/iamport-paymentwall"),
            id: "paymentwall",
            options: {
              impKey: "sandbox_imp_key",
              impSecret: "sandbox_imp_secret",
              impCode: "imp12345678",
              channelKey: "channel-key-paymentwall-demo",
              mode: "test",
              apiBaseUrl: env("DEMO_SANDBOX_URL"),
            },
          },
        ],
      },
    },
  ],
})
