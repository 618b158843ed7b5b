import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { reconcileCancelTicketsWorkflow } from "../workflows/reconcile-cancel-tickets"

/** Every 15 minutes: book what lost webhooks missed, flag tickets Paymentwall has left waiting too long. */
export default async function reconcileCancelTickets(container: MedusaContainer): Promise<void> {
  const { result } = await reconcileCancelTicketsWorkflow(container).run({ input: {} })
  if (result.checked || result.failed.length) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .info(
        `iamport-paymentwall: reconciled ${result.checked} payment(s) in ${result.iamport_calls} i'mport call(s): ` +
          `${result.booked} booked, ${result.flagged} flagged, ${result.failed.length} failed`
      )
  }
}

export const config = {
  name: "iamport-paymentwall-reconcile-cancel-tickets",
  schedule: "*/15 * * * *",
}
