import { isIP } from "node:net"
import { MedusaError } from "@medusajs/framework/utils"
import { DEFAULT_API_BASE_URL } from "../iamport/client"
import { type WebhookTrust, webhookTrustFunction } from "./webhook-body"

/** What a store writes under the provider's `options` in medusa-config.ts. */
export type IamportPaymentwallOptions = {
  /** i'mport REST API key (console → 결제 연동 → 식별코드・API Keys → V1 API). Server-side only. */
  impKey: string
  /** i'mport REST API secret. Server-side only: never logged, never sent to a browser. */
  impSecret: string
  /** Merchant id code for `IMP.init("imp########")` in the storefront. */
  impCode: string
  /** Console channel key of the Paymentwall channel (new SDK). One of channelKey or pg is required. */
  channelKey?: string
  /** Legacy `pg`: "paymentwall" or "paymentwall.{projectKey}". */
  pg?: string
  /** "test": accepts only test-channel payments and looks them up with include_sandbox. "live": refuses them. */
  mode?: "test" | "live"
  /** Default https://api.iamport.kr; the local sandbox in development and tests. */
  apiBaseUrl?: string
  /** Optional allow-list of webhook source addresses (i'mport's are 52.78.100.19, 52.78.48.223, 52.78.5.241). */
  webhookAllowedIps?: string[]
  /**
   * Which proxies in front of the store may report the webhook's sender in X-Forwarded-For, in Express's
   * `trust proxy` syntax: a number of hops, or addresses/CIDRs/"loopback"/"linklocal"/"uniquelocal" (a list or a
   * comma-separated string). Default: none, the sender is the socket's address.
   */
  webhookTrustedProxies?: number | string | string[]
  /** Order name shown in Paymentwall's widget (at most 40 characters). Default "Order". */
  orderName?: string
  /** Per call to i'mport, in milliseconds. Default 15000. */
  timeoutMs?: number
  /**
   * Test mode only: Paymentwall's test payments charge the real card, so a job cancels every captured test payment
   * this many minutes after its capture, through the normal cancel ticket. Off by default; refused in live mode.
   */
  autoCancelTestPaymentsAfterMinutes?: number
}

export type ResolvedOptions = Required<
  Pick<IamportPaymentwallOptions, "impKey" | "impSecret" | "impCode" | "mode" | "apiBaseUrl" | "orderName" | "timeoutMs">
> & {
  autoCancelTestPaymentsAfterMinutes: number | null
  channelKey?: string
  pg?: string
  webhookAllowedIps: string[]
  webhookTrustedProxies: WebhookTrust
}

const PG_PATTERN = /^paymentwall(\.[A-Za-z0-9_-]+)?$/

function fail(problem: string): never {
  throw new MedusaError(
    MedusaError.Types.INVALID_DATA,
    `iamport-paymentwall provider options: ${problem} (medusa-config.ts, modules → payment → providers → options)`
  )
}

function requiredText(options: Record<string, unknown>, key: string, hint: string): string {
  const value = options[key]
  if (typeof value !== "string" || value.trim() === "") {
    fail(`"${key}" is required: ${hint}`)
  }
  return value.trim()
}

function optionalText(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key]
  if (value === undefined || value === null || value === "") {
    return undefined
  }
  if (typeof value !== "string") {
    fail(`"${key}" must be a string`)
  }
  return value.trim()
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** Checked once at boot; a store with a wrong option does not start, and the message says what to fix. */
export function resolveOptions(raw: unknown): ResolvedOptions {
  if (typeof raw !== "object" || raw === null) {
    fail("options are missing")
  }
  const options = raw as Record<string, unknown>
  const impKey = requiredText(options, "impKey", "the REST API key from the i'mport console")
  const impSecret = requiredText(options, "impSecret", "the REST API secret from the i'mport console")
  const impCode = requiredText(options, "impCode", 'the merchant id code ("imp" and 8 digits) for IMP.init')
  if (!/^imp\d{8}$/.test(impCode)) {
    fail(`"impCode" must be "imp" followed by 8 digits, as the i'mport console shows it`)
  }

  const channelKey = optionalText(options, "channelKey")
  const pg = optionalText(options, "pg")
  if (!channelKey && !pg) {
    fail(`set "channelKey" (the Paymentwall channel's key in the i'mport console) or the legacy "pg": "paymentwall"`)
  }
  if (pg && !PG_PATTERN.test(pg)) {
    fail(`"pg" must be "paymentwall" or "paymentwall.{projectKey}", got "${pg}"`)
  }

  const mode = options.mode ?? "live"
  if (mode !== "test" && mode !== "live") {
    fail(`"mode" must be "test" or "live", got ${JSON.stringify(mode)}`)
  }

  const apiBaseUrl = optionalText(options, "apiBaseUrl") ?? DEFAULT_API_BASE_URL
  let url: URL
  try {
    url = new URL(apiBaseUrl)
  } catch {
    fail(`"apiBaseUrl" is not a URL: "${apiBaseUrl}"`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    fail(`"apiBaseUrl" must be http(s), got "${apiBaseUrl}"`)
  }
  if (mode === "live" && url.protocol !== "https:" && !isLoopback(url.hostname)) {
    fail(`"apiBaseUrl" must use https in live mode (the REST secret travels in it), got "${apiBaseUrl}"`)
  }

  const ips = options.webhookAllowedIps ?? []
  if (!Array.isArray(ips) || ips.some((ip) => typeof ip !== "string" || isIP(ip.trim()) === 0)) {
    fail(`"webhookAllowedIps" must be a list of IP addresses, got ${JSON.stringify(ips)}`)
  }

  const webhookTrustedProxies = resolveWebhookTrust(options.webhookTrustedProxies)

  const orderName = optionalText(options, "orderName") ?? "Order"
  if (orderName.length > 40) {
    fail(`"orderName" may have at most 40 characters (Paymentwall's limit)`)
  }

  const timeoutMs = options.timeoutMs ?? 15_000
  if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) {
    fail(`"timeoutMs" must be a whole number of milliseconds between 100 and 120000`)
  }

  const autoCancel = options.autoCancelTestPaymentsAfterMinutes ?? null
  if (autoCancel !== null) {
    if (typeof autoCancel !== "number" || !Number.isInteger(autoCancel) || autoCancel < 1 || autoCancel > 10_080) {
      fail(`"autoCancelTestPaymentsAfterMinutes" must be a whole number of minutes from 1 to 10080 (a week)`)
    }
    if (mode !== "test") {
      fail(`"autoCancelTestPaymentsAfterMinutes" cancels payments by itself and is for "mode": "test" only; remove it in live mode`)
    }
  }

  return {
    impKey,
    impSecret,
    autoCancelTestPaymentsAfterMinutes: autoCancel as number | null,
    impCode,
    channelKey,
    pg,
    mode,
    apiBaseUrl: url.toString().replace(/\/+$/, ""),
    webhookAllowedIps: (ips as string[]).map((ip) => ip.trim()),
    webhookTrustedProxies,
    orderName,
    timeoutMs,
  }
}

/** Express's `trust proxy` values except `true`: trusting every hop would read the sender from the client's own first entry. */
export function resolveWebhookTrust(value: unknown): WebhookTrust {
  const problem = `"webhookTrustedProxies" must be a number of proxy hops (0 to 10) or a list of proxy addresses, CIDRs, "loopback", "linklocal" or "uniquelocal"`
  if (value === undefined || value === null) {
    return 0
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0 || value > 10) {
      fail(`${problem}, got ${JSON.stringify(value)}`)
    }
    return value
  }
  if (value === true) {
    fail(`${problem}; true (trust every hop) would take the sender from the client's own X-Forwarded-For entry`)
  }
  const list = typeof value === "string" ? value.split(",") : value
  if (!Array.isArray(list) || list.some((entry) => typeof entry !== "string")) {
    fail(`${problem}, got ${JSON.stringify(value)}`)
  }
  const entries = (list as string[]).map((entry) => entry.trim()).filter((entry) => entry !== "")
  try {
    webhookTrustFunction(entries)
  } catch (error) {
    fail(`${problem}: ${(error as Error).message}`)
  }
  return entries
}
