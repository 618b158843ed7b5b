import { isIP } from "node:net"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
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
  Pick<
    IamportPaymentwallOptions,
    "impKey" | "impSecret" | "impCode" | "mode" | "apiBaseUrl" | "orderName" | "timeoutMs"
  >
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

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** A text option that must be there; trimmed. */
const required = (key: string, hint: string) => {
  const problem = `"${key}" is required: ${hint}`
  return z.string({ error: problem }).trim().min(1, { error: problem })
}

/** A text option that may be left out (empty and null count as left out); trimmed. */
const optionalText = (key: string) =>
  z.preprocess(
    (value) => (value === null || value === "" ? undefined : value),
    z
      .string({ error: `"${key}" must be a string` })
      .trim()
      .optional()
  )

const wholeNumber = (problem: string) => z.number({ error: problem }).int({ error: problem })

/** null counts as left out, as it did before options were read by zod: the default applies. */
const orDefault = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema)

/**
 * The options as zod reads them, one message per problem that names the option and the fix. The checks across
 * options run once every option reads well on its own, so a store sees the first thing to fix.
 */
const optionsSchema = z
  .object(
    {
      impKey: required("impKey", "the REST API key from the i'mport console"),
      impSecret: required("impSecret", "the REST API secret from the i'mport console"),
      impCode: required("impCode", 'the merchant id code ("imp" and 8 digits) for IMP.init').regex(/^imp\d{8}$/, {
        error: `"impCode" must be "imp" followed by 8 digits, as the i'mport console shows it`,
      }),
      channelKey: optionalText("channelKey"),
      pg: optionalText("pg").refine((pg) => !pg || PG_PATTERN.test(pg), {
        error: (issue) => `"pg" must be "paymentwall" or "paymentwall.{projectKey}", got "${String(issue.input)}"`,
      }),
      mode: orDefault(
        z
          .enum(["test", "live"], {
            error: (issue) => `"mode" must be "test" or "live", got ${JSON.stringify(issue.input)}`,
          })
          .default("live")
      ),
      apiBaseUrl: optionalText("apiBaseUrl")
        .transform((value) => value ?? DEFAULT_API_BASE_URL)
        .transform((value, ctx) => {
          let url: URL
          try {
            url = new URL(value)
          } catch {
            ctx.addIssue({ code: "custom", message: `"apiBaseUrl" is not a URL: "${value}"` })
            return z.NEVER
          }
          if (url.protocol !== "https:" && url.protocol !== "http:") {
            ctx.addIssue({ code: "custom", message: `"apiBaseUrl" must be http(s), got "${value}"` })
            return z.NEVER
          }
          return url
        }),
      webhookAllowedIps: orDefault(
        z
          .array(z.unknown(), {
            error: (issue) => `"webhookAllowedIps" must be a list of IP addresses, got ${JSON.stringify(issue.input)}`,
          })
          .default([])
          .refine((ips) => ips.every((ip) => typeof ip === "string" && isIP(ip.trim()) !== 0), {
            error: (issue) => `"webhookAllowedIps" must be a list of IP addresses, got ${JSON.stringify(issue.input)}`,
          })
          .transform((ips) => (ips as string[]).map((ip) => ip.trim()))
      ),
      webhookTrustedProxies: z.unknown().transform((value, ctx) => {
        try {
          return resolveWebhookTrust(value)
        } catch (error) {
          ctx.addIssue({ code: "custom", message: problemOf(error) })
          return z.NEVER
        }
      }),
      orderName: optionalText("orderName")
        .transform((value) => value ?? "Order")
        .refine((name) => name.length <= 40, {
          error: `"orderName" may have at most 40 characters (Paymentwall's limit)`,
        }),
      timeoutMs: orDefault(
        wholeNumber(`"timeoutMs" must be a whole number of milliseconds between 100 and 120000`)
          .min(100, { error: `"timeoutMs" must be a whole number of milliseconds between 100 and 120000` })
          .max(120_000, { error: `"timeoutMs" must be a whole number of milliseconds between 100 and 120000` })
          .default(15_000)
      ),
      autoCancelTestPaymentsAfterMinutes: wholeNumber(
        `"autoCancelTestPaymentsAfterMinutes" must be a whole number of minutes from 1 to 10080 (a week)`
      )
        .min(1, {
          error: `"autoCancelTestPaymentsAfterMinutes" must be a whole number of minutes from 1 to 10080 (a week)`,
        })
        .max(10_080, {
          error: `"autoCancelTestPaymentsAfterMinutes" must be a whole number of minutes from 1 to 10080 (a week)`,
        })
        .nullish()
        .transform((value) => value ?? null),
    },
    { error: "options are missing" }
  )
  .check((ctx) => {
    const options = ctx.value
    const problem = (message: string) => ctx.issues.push({ code: "custom", message, input: options })
    if (!options.channelKey && !options.pg) {
      problem(
        `set "channelKey" (the Paymentwall channel's key in the i'mport console) or the legacy "pg": "paymentwall"`
      )
    }
    const url = options.apiBaseUrl
    if (options.mode === "live" && url.protocol !== "https:" && !isLoopback(url.hostname)) {
      problem(`"apiBaseUrl" must use https in live mode (the REST secret travels in it), got "${url.toString()}"`)
    }
    if (options.autoCancelTestPaymentsAfterMinutes !== null && options.mode !== "test") {
      problem(
        `"autoCancelTestPaymentsAfterMinutes" cancels payments by itself and is for "mode": "test" only; remove it in live mode`
      )
    }
  })

/** A MedusaError thrown by fail() carries the prefix; the schema's message is the problem alone. */
function problemOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message
    .replace(/^iamport-paymentwall provider options: /, "")
    .replace(/ \(medusa-config\.ts, modules → payment → providers → options\)$/, "")
}

/** Checked once at boot; a store with a wrong option does not start, and the message says what to fix. */
export function resolveOptions(raw: unknown): ResolvedOptions {
  const parsed = optionsSchema.safeParse(raw)
  if (!parsed.success) {
    fail(parsed.error.issues[0]?.message ?? "options are invalid")
  }
  const { apiBaseUrl, ...options } = parsed.data
  return { ...options, apiBaseUrl: apiBaseUrl.toString().replace(/\/+$/, "") }
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
