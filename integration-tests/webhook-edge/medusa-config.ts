import { defineConfig } from "@medusajs/framework/utils"
import { paymentModuleWithSandbox, pluginWithTestOptions } from "../helpers/test-store-config"

/** One of i'mport's webhook addresses; the spec forges it. */
const IAMPORT_WEBHOOK_IP = "52.78.100.19"

/**
 * The store of webhook-edge.spec.ts: the HTTP tests' store with the webhook allow-list on. The provider "paymentwall"
 * trusts no proxy (the default); a second one, "proxied", trusts loopback as a proxy in front of the store, so the
 * same forged header that "paymentwall" refuses stands for a genuine proxy's report there.
 */
const payment = paymentModuleWithSandbox()
const [sandboxProvider] = payment.options.providers
const withAllowList = (id: string, extra: Record<string, unknown> = {}) => ({
  ...sandboxProvider,
  id,
  options: { ...sandboxProvider.options, webhookAllowedIps: [IAMPORT_WEBHOOK_IP], ...extra },
})

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      jwtSecret: "webhook-edge-jwt-secret",
      cookieSecret: "webhook-edge-cookie-secret",
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
    },
  },
  admin: { disable: true },
  plugins: [{ ...pluginWithTestOptions(), options: { ...pluginWithTestOptions().options, webhookRetentionDays: 30 } }],
  modules: [
    {
      ...payment,
      options: {
        ...payment.options,
        providers: [withAllowList("paymentwall"), withAllowList("proxied", { webhookTrustedProxies: ["loopback"] })],
      },
    },
  ],
})
