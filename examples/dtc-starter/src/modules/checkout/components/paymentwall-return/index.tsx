"use client"

import { placeOrder } from "@lib/data/cart"
import LocalizedClientLink from "@modules/common/components/localized-client-link"
import { Text } from "@modules/common/components/ui"
import { PaymentwallError, readPaymentwallRedirect } from "medusa-payment-iamport-paymentwall/storefront"
import { unstable_rethrow, useRouter } from "next/navigation"
import { useEffect, useRef, useState } from "react"

/**
 * A mobile browser back from Paymentwall. A payment the widget reports done places the order through the Server
 * Action (Next.js 15 lets it remove the cart cookie and revalidate, which a page's render may not). Anything else
 * goes back to the checkout's review step with the result, where the button tells a decline (pay again) from a
 * payment held for fraud review (wait for the order).
 */
export default function PaymentwallReturn({ countryCode }: { countryCode: string }) {
  const router = useRouter()
  const started = useRef(false)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    if (started.current) {
      return
    }
    started.current = true
    const result = readPaymentwallRedirect(window.location.href)
    if (!result || result instanceof PaymentwallError) {
      const query = new URLSearchParams(window.location.search)
      query.set("step", "review")
      router.replace(`/${countryCode}/checkout?${query}`)
      return
    }
    // Redirects to the order's confirmation; a cart back means i'mport has not confirmed the payment.
    placeOrder().then(
      (cart) => cart && setProblem("We could not confirm your payment with Paymentwall."),
      (error: unknown) => {
        try {
          unstable_rethrow(error) // the redirect to the order, under way
          setProblem(error instanceof Error ? error.message : String(error))
        } catch {
          // Next.js navigates to the order's confirmation.
        }
      }
    )
  }, [countryCode, router])

  return (
    <div className="content-container py-12 flex flex-col gap-y-4" data-testid="paymentwall-return">
      <Text className="txt-medium text-ui-fg-base">{problem ?? "Confirming your payment…"}</Text>
      {problem && (
        <LocalizedClientLink href="/checkout?step=review" className="text-ui-fg-interactive">
          Back to checkout
        </LocalizedClientLink>
      )}
    </div>
  )
}
