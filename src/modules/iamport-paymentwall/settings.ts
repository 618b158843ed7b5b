import { MedusaError } from "@medusajs/framework/utils"

/** Plugin options (medusa-config.ts → plugins → options), read by the ticket module. */
export type PluginSettings = {
  /** A notice makes a ticket "rejection suspected" only once it has waited at least this long (default 60 s). */
  rejectionGraceSeconds: number
  /** The settlement job (settle-open-payments) flags a ticket Paymentwall has not settled after this long (default 72 h). */
  ticketAttentionAfterHours: number
  /**
   * The settlement job also sweeps Paymentwall payments captured this recently (default 30 days), 100 per run,
   * so a refund made outside Medusa whose webhook was lost is still booked. 0 turns the sweep off.
   */
  reconcileSweepDays: number
  /** The daily pruning job deletes webhook inbox rows received longer ago than this (default 30 days). */
  webhookRetentionDays: number
}

export function resolvePluginSettings(raw: unknown): PluginSettings {
  const options = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>
  const number = (key: keyof PluginSettings, fallback: number, min: number, max: number): number => {
    const value = options[key] ?? fallback
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `medusa-payment-iamport-paymentwall plugin options: "${key}" must be a number from ${min} to ${max} (medusa-config.ts → plugins → options)`
      )
    }
    return value
  }
  return {
    rejectionGraceSeconds: number("rejectionGraceSeconds", 60, 0, 86_400),
    ticketAttentionAfterHours: number("ticketAttentionAfterHours", 72, 0, 24 * 365),
    reconcileSweepDays: number("reconcileSweepDays", 30, 0, 3650),
    // At least a day: a younger row may still be needed to tell a later delivery it is covered by its lookup.
    webhookRetentionDays: number("webhookRetentionDays", 30, 1, 3650),
  }
}
