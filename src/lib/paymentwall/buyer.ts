import type { PaymentProviderContext } from "@medusajs/framework/types"

export type Buyer = { email: string | null; name: string | null }

/**
 * Paymentwall requires buyer_email and buyer_name as "First Last". A logged-in customer supplies both; for a
 * guest the storefront may pass `buyer_email` / `buyer_name` in the session data. Neither is used for money.
 */
export function buyerFrom(
  context: PaymentProviderContext | undefined,
  data: Record<string, unknown> | undefined
): Buyer {
  const customer = context?.customer
  const email = clean(customer?.email) ?? clean(data?.buyer_email)
  // Typed as AddressDTO, which lacks the names, but the customer's address rows carry them.
  const billing = (customer?.billing_address ?? undefined) as Record<string, unknown> | undefined
  const first = clean(customer?.first_name) ?? clean(billing?.first_name)
  const last = clean(customer?.last_name) ?? clean(billing?.last_name)
  const hinted = clean(data?.buyer_name)
  const name = first && last ? `${first} ${last}` : hinted && /\S\s+\S/.test(hinted) ? hinted : null
  return { email: email && /^[^\s@]+@[^\s@]+$/.test(email) ? email : null, name }
}

function clean(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, 100) : undefined
}
