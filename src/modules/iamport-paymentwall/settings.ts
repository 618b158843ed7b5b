import { MedusaError } from "@medusajs/framework/utils"

/** Plugin options (medusa-config.ts → plugins → options), read by the ticket module. */
export type PluginSettings = {
  /** A rejection notice rejects only a ticket that has waited at least this long (default 60 s). */
  rejectionGraceSeconds: number
  /** The reconciliation job flags a ticket Paymentwall has not settled after this long (default 72 h). */
  ticketAttentionAfterHours: number
}

export function resolvePluginSettings(raw: unknown): PluginSettings {
  const options = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>
  const number = (key: keyof PluginSettings, fallback: number, max: number): number => {
    const value = options[key] ?? fallback
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > max) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `medusa-payment-iamport-paymentwall plugin options: "${key}" must be a number from 0 to ${max} (medusa-config.ts → plugins → options)`
      )
    }
    return value
  }
  return {
    rejectionGraceSeconds: number("rejectionGraceSeconds", 60, 86_400),
    ticketAttentionAfterHours: number("ticketAttentionAfterHours", 72, 24 * 365),
  }
}
