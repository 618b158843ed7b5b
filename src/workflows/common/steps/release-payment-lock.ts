import type { ILockingModule } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { stopRenewing } from "../../../lib/lock-lease"
import type { PaymentLock } from "./payment-lock"

export const releasePaymentLockStepId = "iamport-paymentwall-release-payment-lock"

/**
 * Gives the payment's lock back: its renewals stop first (one landing after the release would take it again), then
 * the release, which frees nothing if the lock has passed to another owner. Runs in a nested workflow too.
 */
export const releasePaymentLockStep = createStep(
  releasePaymentLockStepId,
  async (lock: Pick<PaymentLock, "key" | "owner_id">, { container }) => {
    await stopRenewing(lock.owner_id)
    const released = await container
      .resolve<ILockingModule>(Modules.LOCKING)
      .release(lock.key, { ownerId: lock.owner_id })
    return new StepResponse(released)
  }
)
