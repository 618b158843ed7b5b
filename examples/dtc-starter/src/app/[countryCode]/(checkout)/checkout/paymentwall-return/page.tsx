import PaymentwallReturn from "@modules/checkout/components/paymentwall-return"

/**
 * Paymentwall's mobile return (the widget's m_redirect_url). It renders without the cart: the cart cookie is
 * SameSite=Strict, so a browser arriving from Paymentwall's site leaves it off this request. The client component
 * then calls the Server Action, whose request carries it.
 */
export default async function PaymentwallReturnPage({ params }: { params: Promise<{ countryCode: string }> }) {
  const { countryCode } = await params
  return <PaymentwallReturn countryCode={countryCode} />
}
