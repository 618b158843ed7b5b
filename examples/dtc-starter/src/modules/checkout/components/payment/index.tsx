"use client"

import { RadioGroup } from "@headlessui/react"
import { isPaymentwall, isStripeLike, paymentInfoMap } from "@lib/constants"
import { initiatePaymentSession } from "@lib/data/cart"
import { CheckCircleSolid, CreditCard } from "@medusajs/icons"
import { HttpTypes } from "@medusajs/types"
import ErrorMessage from "@modules/checkout/components/error-message"
import PaymentContainer, { StripeCardContainer } from "@modules/checkout/components/payment-container"
import Divider from "@modules/common/components/divider"
import { Button, Container, Heading, Text, clx } from "@modules/common/components/ui"
import { usePathname, useRouter, useSearchParams } from "next/navigation"
import { useEffect, useState } from "react"

/**
 * Paymentwall requires the buyer's e-mail and a "First Last" name. The plugin takes a logged-in customer's; a
 * guest's come from the cart, in the payment session's data.
 */
function paymentwallBuyer(cart: HttpTypes.StoreCart) {
  const address = cart.billing_address ?? cart.shipping_address
  const name = [address?.first_name, address?.last_name]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ")
  return { buyer_email: cart.email, buyer_name: name }
}

/** A Paymentwall session made without its buyer never opened the widget, so replacing it loses no payment. */
function lacksBuyer(session?: HttpTypes.StorePaymentSession) {
  return isPaymentwall(session?.provider_id) && !(session?.data?.buyer_email && session?.data?.buyer_name)
}

/** The checkout's payment step: the starter's, with the buyer in a Paymentwall session's data. */
export default function Payment({
  cart,
  availablePaymentMethods,
}: {
  cart: HttpTypes.StoreCart
  availablePaymentMethods: { id: string }[]
}) {
  const activeSession = cart.payment_collection?.payment_sessions?.find((session) => session.status === "pending")
  const [selected, setSelected] = useState(activeSession?.provider_id ?? "")
  const [isLoading, setIsLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [cardBrand, setCardBrand] = useState<string | null>(null)
  const [cardComplete, setCardComplete] = useState(false)
  const searchParams = useSearchParams()
  const router = useRouter()
  const pathname = usePathname()
  const isOpen = searchParams.get("step") === "payment"
  const ready = !!activeSession && (cart.shipping_methods?.length ?? 0) > 0

  useEffect(() => setError(null), [isOpen])

  const goTo = (step: string) => {
    const params = new URLSearchParams(searchParams)
    params.set("step", step)
    router.push(`${pathname}?${params}`, { scroll: false })
  }

  const startSession = (providerId: string) =>
    initiatePaymentSession(cart, {
      provider_id: providerId,
      ...(isPaymentwall(providerId) ? { data: paymentwallBuyer(cart) } : {}),
    })

  const select = async (providerId: string) => {
    setError(null)
    setSelected(providerId)
    if (isStripeLike(providerId)) {
      await startSession(providerId) // Stripe's card form needs its session
    }
  }

  const submit = async () => {
    setIsLoading(true)
    try {
      if (activeSession?.provider_id !== selected || lacksBuyer(activeSession)) {
        await startSession(selected)
      }
      // A Stripe card is entered in this step once its session exists; every other method goes on to review.
      if (!(isStripeLike(selected) && !activeSession)) {
        goTo("review")
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setIsLoading(false)
    }
  }

  return (
    <div className="bg-white">
      <div className="flex flex-row items-center justify-between mb-6">
        <Heading
          level="h2"
          className={clx("flex flex-row text-3xl-regular gap-x-2 items-baseline", {
            "opacity-50 pointer-events-none select-none": !isOpen && !ready,
          })}
        >
          Payment
          {!isOpen && ready && <CheckCircleSolid />}
        </Heading>
        {!isOpen && ready && (
          <Text>
            <button
              onClick={() => goTo("payment")}
              className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
              data-testid="edit-payment-button"
            >
              Edit
            </button>
          </Text>
        )}
      </div>
      {isOpen ? (
        <div>
          <RadioGroup value={selected} onChange={select}>
            {availablePaymentMethods.map(({ id }) =>
              isStripeLike(id) ? (
                <StripeCardContainer
                  key={id}
                  paymentProviderId={id}
                  selectedPaymentOptionId={selected}
                  paymentInfoMap={paymentInfoMap}
                  setCardBrand={setCardBrand}
                  setError={setError}
                  setCardComplete={setCardComplete}
                />
              ) : (
                <PaymentContainer
                  key={id}
                  paymentProviderId={id}
                  selectedPaymentOptionId={selected}
                  paymentInfoMap={paymentInfoMap}
                />
              )
            )}
          </RadioGroup>
          <ErrorMessage error={error} data-testid="payment-method-error-message" />
          <Button
            size="large"
            className="mt-6"
            onClick={submit}
            isLoading={isLoading}
            disabled={!selected || (isStripeLike(selected) && !cardComplete)}
            data-testid="submit-payment-button"
          >
            {!activeSession && isStripeLike(selected) ? "Enter card details" : "Continue to review"}
          </Button>
        </div>
      ) : (
        ready &&
        activeSession && (
          <div className="flex items-start gap-x-1 w-full">
            <div className="flex flex-col w-1/3">
              <Text className="txt-medium-plus text-ui-fg-base mb-1">Payment method</Text>
              <Text className="txt-medium text-ui-fg-subtle" data-testid="payment-method-summary">
                {paymentInfoMap[activeSession.provider_id]?.title ?? activeSession.provider_id}
              </Text>
            </div>
            <div className="flex flex-col w-1/3">
              <Text className="txt-medium-plus text-ui-fg-base mb-1">Payment details</Text>
              <div
                className="flex gap-2 txt-medium text-ui-fg-subtle items-center"
                data-testid="payment-details-summary"
              >
                <Container className="flex items-center h-7 w-fit p-2 bg-ui-button-neutral-hover">
                  {paymentInfoMap[activeSession.provider_id]?.icon ?? <CreditCard />}
                </Container>
                <Text>
                  {isStripeLike(activeSession.provider_id) && cardBrand ? cardBrand : "Another step will appear"}
                </Text>
              </div>
            </div>
          </div>
        )
      )}
      <Divider className="mt-8" />
    </div>
  )
}
