"use server"

import { sdk } from "@lib/config"
import { HttpTypes } from "@medusajs/types"
import { getAuthHeaders } from "./cookies"

/**
 * Whether Medusa has completed the cart. The plugin completes it itself when Paymentwall approves a payment it held
 * for fraud review (i'mport's notice), so a page waiting on such a payment asks this. Never cached.
 */
export async function isCartCompleted(cartId: string): Promise<boolean> {
  const { cart } = await sdk.client.fetch<HttpTypes.StoreCartResponse>(`/store/carts/${cartId}`, {
    query: { fields: "id,completed_at" },
    headers: await getAuthHeaders(),
    cache: "no-store",
  })
  return Boolean(cart.completed_at)
}
