"use client"

import { isPaymentwall } from "@lib/constants"
import { HttpTypes } from "@medusajs/types"
import PaymentwallPaymentButton from "./paymentwall"
// The starter's own payment-button/index.tsx, moved to starter.tsx unchanged: its Stripe and manual buttons.
import StarterPaymentButton from "./starter"

/** The review step's button: Paymentwall's for a Paymentwall session, the starter's for any other. */
export default function PaymentButton({
  cart,
  "data-testid": dataTestId,
}: {
  cart: HttpTypes.StoreCart
  "data-testid": string
}) {
  const session = cart.payment_collection?.payment_sessions?.[0]
  if (session && isPaymentwall(session.provider_id)) {
    const notReady = !cart.shipping_address || !cart.billing_address || !cart.email || !cart.shipping_methods?.length
    return <PaymentwallPaymentButton cart={cart} session={session} notReady={notReady} data-testid={dataTestId} />
  }
  return <StarterPaymentButton cart={cart} data-testid={dataTestId} />
}
