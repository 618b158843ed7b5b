import { CreditCard } from "@medusajs/icons"
import React from "react"

/*
 * The starter's provider map, for a store that takes Paymentwall through medusa-payment-iamport-paymentwall.
 * Medusa names a provider pp_{identifier}_{id}: the plugin's identifier is "iamport-paymentwall", and the id is the
 * one given in medusa-config ("paymentwall" in the plugin's README). Keep the entries of any other provider you use.
 */
export const paymentInfoMap: Record<string, { title: string; icon: React.JSX.Element }> = {
  "pp_iamport-paymentwall_paymentwall": { title: "Card (Paymentwall)", icon: <CreditCard /> },
  pp_system_default: { title: "Manual Payment", icon: <CreditCard /> },
}

export const isPaymentwall = (providerId?: string) => !!providerId?.startsWith("pp_iamport-paymentwall_")

// The checks the starter's other files import.
export const isStripeLike = (providerId?: string) =>
  !!providerId && (providerId.startsWith("pp_stripe_") || providerId.startsWith("pp_medusa-"))
export const isPaypal = (providerId?: string) => !!providerId?.startsWith("pp_paypal")
export const isManual = (providerId?: string) => !!providerId?.startsWith("pp_system_default")
