import { MedusaError } from "@medusajs/framework/utils"

/** Plugin options (medusa-config.ts → plugins → options), read by the ticket module. */
export type PluginSettings = {
  /** A notice makes a ticket "rejection suspected" only once it has waited at least this long (default 60 s). */
  rejectionGraceSeconds: number
  /** The settlement job (settle-open-payments) flags a ticket Paymentwall has not settled after this long (default 72 h). */
  ticketAttentionAfterHours: number
  /**
   * The settlement job also sweeps Paymentwall payments captured this recently (default 30 days), 100 per run,
   * and as many older ones (a chargeback can come months later), so a refund made outside Medusa whose webhook
   * was lost is still booked: at most two i'mport calls a run. 0 turns both sweeps off.
   */
  reconcileSweepDays: number
  /** The daily pruning job deletes webhook inbox rows received longer ago than this (default 30 days). */
  webhookRetentionDays: number
  /** Report shipments and deliveries to Paymentwall (POST /paymentwall/delivery). Default true; false sends none. */
  deliveryConfirmation: boolean
  /**
   * Paymentwall's carrier_type for a fulfillment, by the Medusa fulfillment provider id ("manual_manual") or the
   * shipping option's name; whichever matches first. Unmatched ones send `deliveryDefaultCarrier`.
   */
  deliveryCarriers: Record<string, string>
  /** carrier_type when nothing in deliveryCarriers matches (default "Other"). */
  deliveryDefaultCarrier: string
  /** estimated_delivery_datetime of a shipment: this many days after it ships (default 7). */
  deliveryEstimateDays: number
  /**
   * The jobs that call i'mport (settlement, delivery reports, test-payment cleanup) do their work when they fire
   * (default true). false makes them return at once: for a test or benchmark that must see only its own calls. A
   * store running without them has no net behind lost webhooks, so each process warns once.
   */
  scheduledJobs: boolean
}

function invalid(key: string, problem: string): never {
  throw new MedusaError(
    MedusaError.Types.INVALID_DATA,
    `medusa-payment-iamport-paymentwall plugin options: "${key}" ${problem} (medusa-config.ts → plugins → options)`
  )
}

export function resolvePluginSettings(raw: unknown): PluginSettings {
  const options = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>
  const number = (key: keyof PluginSettings, fallback: number, min: number, max: number): number => {
    const value = options[key] ?? fallback
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      invalid(key, `must be a number from ${min} to ${max}`)
    }
    return value
  }
  const text = (key: keyof PluginSettings, fallback: string): string => {
    const value = options[key] ?? fallback
    if (typeof value !== "string" || !value.trim() || value.length > 64) {
      invalid(key, "must be a non-empty string of at most 64 characters")
    }
    return value.trim()
  }
  const carriers = options.deliveryCarriers ?? {}
  if (
    typeof carriers !== "object" ||
    carriers === null ||
    Array.isArray(carriers) ||
    Object.values(carriers).some((v) => typeof v !== "string" || !v.trim())
  ) {
    invalid(
      "deliveryCarriers",
      'must map fulfillment provider ids or shipping option names to carrier names, e.g. { "manual_manual": "CJ Logistics" }'
    )
  }
  const delivery = options.deliveryConfirmation ?? true
  if (typeof delivery !== "boolean") {
    invalid("deliveryConfirmation", "must be true or false")
  }
  const jobs = options.scheduledJobs ?? true
  if (typeof jobs !== "boolean") {
    invalid("scheduledJobs", "must be true or false")
  }
  return {
    scheduledJobs: jobs,
    deliveryConfirmation: delivery,
    deliveryCarriers: Object.fromEntries(
      Object.entries(carriers as Record<string, string>).map(([k, v]) => [k, v.trim()])
    ),
    deliveryDefaultCarrier: text("deliveryDefaultCarrier", "Other"),
    deliveryEstimateDays: number("deliveryEstimateDays", 7, 0, 365),
    rejectionGraceSeconds: number("rejectionGraceSeconds", 60, 0, 86_400),
    ticketAttentionAfterHours: number("ticketAttentionAfterHours", 72, 0, 24 * 365),
    reconcileSweepDays: number("reconcileSweepDays", 30, 0, 3650),
    // At least a day: a younger row may still be needed to tell a later delivery it is covered by its lookup.
    webhookRetentionDays: number("webhookRetentionDays", 30, 1, 3650),
  }
}
