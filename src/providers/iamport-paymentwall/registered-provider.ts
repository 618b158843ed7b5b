import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import type { PaymentwallPort } from "../../lib/paymentwall/port"
import { isPaymentwallProviderId } from "../../lib/paymentwall/provider-id"
import { IamportPaymentwallProviderService } from "./service"

/**
 * The one adapter between the plugin and its provider: the instance Medusa built from medusa-config.ts, so the
 * plugin's workflows reach i'mport with the store's own credentials instead of asking for them twice, as the port
 * they may use (lib/paymentwall/port). A provider's container is the payment module's own; every MedusaService keeps
 * it as `__container__` (@medusajs/utils medusa-service.js), where the provider is registered under its id
 * (@medusajs/payment loaders/providers.js). That is internal to Medusa: integration-tests/http/admin-routes.spec.ts
 * fails loudly if it changes.
 */
export function paymentwallProvider(container: MedusaContainer, providerId: string): PaymentwallPort {
  const paymentModule = container.resolve(Modules.PAYMENT) as unknown as { __container__?: Record<string, unknown> }
  let provider: unknown
  try {
    provider = isPaymentwallProviderId(providerId) ? paymentModule.__container__?.[providerId] : undefined
  } catch {
    provider = undefined
  }
  if (!(provider instanceof IamportPaymentwallProviderService)) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `Payment provider ${providerId} is not an iamport-paymentwall provider registered with the payment module.`
    )
  }
  return provider
}
