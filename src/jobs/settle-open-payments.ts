import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { settleOpenPayments } from "../workflows/settlement/utils/settle-open-payments"
import { scheduledJobsOn } from "../lib/scheduled-jobs"

/** Every 15 minutes: book what lost webhooks missed, flag tickets Paymentwall has left waiting too long, find second payments. */
export default async function settleOpenPaymentsJob(container: MedusaContainer): Promise<void> {
  if (!scheduledJobsOn(container)) {
    return
  }
  const result = await settleOpenPayments(container)
  if (result.checked || result.extra_attempts || result.failed.length) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .info(
        `iamport-paymentwall: settled ${result.checked} payment(s) in ${result.iamport_calls} i'mport call(s): ` +
          `${result.booked} booked, ${result.flagged} flagged, ${result.failed.length} failed; ` +
          `${result.extra_attempts} second payment(s) found in ${result.attempt_calls} i'mport call(s)`
      )
  }
}

export const config = {
  name: "iamport-paymentwall-settle-open-payments",
  schedule: "*/15 * * * *",
}
