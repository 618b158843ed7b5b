/** The provider's identifier; Medusa registers each configured instance as pp_{identifier}_{id}. */
export const PROVIDER_IDENTIFIER = "iamport-paymentwall"

export const PROVIDER_ID_PREFIX = `pp_${PROVIDER_IDENTIFIER}_`

export function isPaymentwallProviderId(providerId: string | null | undefined): providerId is string {
  return typeof providerId === "string" && providerId.startsWith(PROVIDER_ID_PREFIX)
}
