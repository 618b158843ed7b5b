import { randomUUID } from "node:crypto"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { paymentLockKey, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { warnIfLocksStayInProcess } from "../../../lib/locking-scope"
import { LOCK_LEASE_SECONDS } from "../../../lib/lock-lease"

export const paymentLockStepId = "iamport-paymentwall-payment-lock"

export type PaymentLock = {
  key: string
  /** This run's own id: a release by anyone else, or after the lock expired and was taken again, frees nothing. */
  owner_id: string
  /** The lease (lib/lock-lease.ts): renewed while the work runs, so a dead holder blocks the payment this long at most. */
  ttl: number
  /** The longest the work under the lock may take (lib/lock-ttl.ts): renewals stop after it. */
  max_hold: number
  /** How long to wait for the lock: no more than two minutes. */
  timeout: number
}

/** The lock of one payment (given directly, or as the payment of a ticket), with an owner, a short lease and the longest hold of the i'mport calls it guards. */
export const paymentLockStep = createStep(
  paymentLockStepId,
  async (input: { payment_id?: string; ticket_id?: string }, { container }) => {
    warnIfLocksStayInProcess(container)
    const paymentId =
      input.payment_id ??
      (input.ticket_id
        ? (await paymentwallModule(container).retrieveCancelTicket(input.ticket_id, { select: ["payment_id"] }))
            .payment_id
        : undefined)
    if (!paymentId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "A payment or a ticket is needed to lock a payment.")
    }
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({ entity: "payment", fields: ["id", "provider_id"], filters: { id: paymentId } })
    const payment = data[0] as { id: string; provider_id: string } | undefined
    if (!payment) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment ${paymentId} was not found.`)
    }
    const maxHold = paymentwallProvider(container, payment.provider_id).lockTtlSeconds()
    const lock: PaymentLock = {
      key: paymentLockKey(payment.id),
      owner_id: randomUUID(),
      ttl: Math.min(LOCK_LEASE_SECONDS, maxHold),
      max_hold: maxHold,
      timeout: Math.min(maxHold, 120),
    }
    return new StepResponse(lock)
  }
)
