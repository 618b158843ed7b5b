"use client"

import { placeOrder } from "@lib/data/cart"
import { isCartCompleted } from "@lib/data/paymentwall"
import { HttpTypes } from "@medusajs/types"
import ErrorMessage from "@modules/checkout/components/error-message"
import { Button, Text } from "@modules/common/components/ui"
import {
  PaymentwallError,
  type PaymentwallSessionData,
  paymentwallFailure,
  payWithPaymentwall,
  readPaymentwallRedirect,
  waitForCompletedCart,
} from "medusa-payment-iamport-paymentwall/storefront"
import { unstable_rethrow, useParams } from "next/navigation"
import { useCallback, useEffect, useState } from "react"

/** i'mport's script: the sandbox's stand-in in development ({sandbox}/v1/iamport.js); unset, i'mport's CDN. */
const SCRIPT_URL = process.env.NEXT_PUBLIC_IAMPORT_SCRIPT_URL || undefined

/** checking: is the cart completed already (never offer to pay it again); review: held for fraud review. */
type State = "checking" | "ready" | "paying" | "review" | "placing"

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** The Server Action's redirect to the order reaches the caller as an error while Next.js navigates. */
const isNavigation = (error: unknown) => {
  try {
    unstable_rethrow(error)
    return false
  } catch {
    return true
  }
}

/** Remembers a hold for this tab, so that a reload keeps waiting instead of offering to pay again. */
const heldKey = (cartId: string) => `paymentwall-review:${cartId}`

export default function PaymentwallPaymentButton({
  cart,
  session,
  notReady,
  "data-testid": dataTestId,
}: {
  cart: HttpTypes.StoreCart
  session: HttpTypes.StorePaymentSession
  notReady: boolean
  "data-testid"?: string
}) {
  const { countryCode } = useParams<{ countryCode: string }>()
  const [state, setState] = useState<State>("checking")
  const [error, setError] = useState<string | null>(null)

  // The browser's word decides nothing: completing the cart makes Medusa ask i'mport. An order redirects to its
  // confirmation; a cart back means i'mport has not confirmed the payment.
  const place = useCallback(async () => {
    setState("placing")
    try {
      if (await placeOrder(cart.id)) {
        setError("We could not confirm your payment with Paymentwall. Please try again.")
        setState("ready")
      }
    } catch (e) {
      if (!isNavigation(e)) {
        setError(messageOf(e))
        setState("ready")
      }
    }
  }, [cart.id])

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof PaymentwallError && paymentwallFailure(e) === "review") {
        sessionStorage.setItem(heldKey(cart.id), e.impUid ?? "")
        setError(null)
        setState("review")
        return
      }
      // A decline (or the widget closed): its reason, and the same cart can be paid again.
      setError(messageOf(e))
      setState("ready")
    },
    [cart.id]
  )

  // On load: a cart the plugin completed meanwhile goes to its order; a hold keeps waiting; a mobile return that
  // failed says why.
  useEffect(() => {
    const back = readPaymentwallRedirect(window.location.href)
    const held = sessionStorage.getItem(heldKey(cart.id)) !== null
    isCartCompleted(cart.id).then(
      (completed) =>
        completed
          ? place()
          : held
            ? setState("review")
            : back instanceof PaymentwallError
              ? fail(back)
              : setState("ready"),
      () => setState("ready")
    )
  }, [cart.id, place, fail])

  // Held for fraud review: Paymentwall's approval reaches the store later, and the plugin completes the cart.
  useEffect(() => {
    if (state !== "review") {
      return
    }
    const stop = new AbortController()
    waitForCompletedCart(() => isCartCompleted(cart.id), { signal: stop.signal }).then((completed) => {
      if (completed) {
        void place()
      }
    })
    return () => stop.abort()
  }, [state, cart.id, place])

  const pay = async () => {
    setError(null)
    setState("paying")
    // A tab left open while the plugin completed the cart: show the order, never a second payment.
    if (await isCartCompleted(cart.id).catch(() => false)) {
      return place()
    }
    try {
      await payWithPaymentwall(session.data as unknown as PaymentwallSessionData, {
        scriptUrl: SCRIPT_URL,
        // Mobile browsers leave for Paymentwall and come back there instead of calling back.
        redirectUrl: `${window.location.origin}/${countryCode}/checkout/paymentwall-return`,
      })
    } catch (e) {
      return fail(e)
    }
    await place()
  }

  if (state === "review") {
    return (
      <Text className="txt-medium text-ui-fg-base" data-testid="paymentwall-review">
        Paymentwall is reviewing your payment. You do not need to pay again: your order appears here as soon as
        Paymentwall approves it, which can take a while.
      </Text>
    )
  }
  return (
    <>
      <Button
        disabled={notReady || state === "checking"}
        isLoading={state === "paying" || state === "placing"}
        onClick={pay}
        size="large"
        data-testid={dataTestId}
      >
        Pay with Paymentwall
      </Button>
      <ErrorMessage error={error} data-testid="paymentwall-error-message" />
    </>
  )
}
