import type { ILockingModule, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { errorMessage } from "../../../lib/error-message"
import { isShuttingDown, shuttingDownError } from "../../../lib/shutdown"
import type { PaymentLock } from "./payment-lock"
import { keepLocksAlive, stopRenewing } from "../../../lib/lock-lease"

const RETRY_INTERVAL_MS = 300

export const acquirePaymentLockStepId = "iamport-paymentwall-acquire-payment-lock"

/**
 * Takes the payment's lock as Medusa's acquireLockStep does (one try every 0.3 s until `timeout`), but gives up
 * as soon as the process starts shutting down (lib/shutdown.ts), rather than waiting on through it. Once taken, its
 * lease is renewed while the workflow runs (lib/lock-lease.ts). Released by releasePaymentLockStep, or by this step's
 * compensation when a later step fails.
 */
export const acquirePaymentLockStep = createStep(
  acquirePaymentLockStepId,
  async (lock: PaymentLock, { container }) => {
    const locking = container.resolve<ILockingModule>(Modules.LOCKING)
    await acquireUnlessShuttingDown(locking, lock)
    keepLocksAlive(
      locking,
      [lock.key],
      lock.owner_id,
      lock.max_hold,
      container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
    )
    return new StepResponse(undefined, lock)
  },
  async (lock, { container }) => {
    if (lock) {
      await stopRenewing(lock.owner_id)
      await container.resolve<ILockingModule>(Modules.LOCKING).release(lock.key, { ownerId: lock.owner_id })
    }
  }
)

export async function acquireUnlessShuttingDown(
  locking: Pick<ILockingModule, "acquire" | "release">,
  lock: Pick<PaymentLock, "key" | "owner_id" | "ttl" | "timeout">,
  closing: () => boolean = isShuttingDown,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
): Promise<void> {
  const until = Date.now() + lock.timeout * 1000
  for (let tried = false; ; tried = true) {
    if (closing()) {
      await releaseIfTaken(locking, lock, tried)
      throw shuttingDownError(`Settling or changing payment lock ${lock.key}`)
    }
    try {
      await locking.acquire(lock.key, { expire: lock.ttl, ownerId: lock.owner_id })
      return
    } catch (error) {
      if (Date.now() >= until) {
        await releaseIfTaken(locking, lock, true)
        // One error whatever the provider threw (in-memory and locking-postgres a plain Error): an admin sees 409
        // with the reason, and the webhook subscriber rethrows it for a retry like any failure.
        throw new MedusaError(
          MedusaError.Types.CONFLICT,
          `The payment's lock ${lock.key} stayed taken for ${lock.timeout} s (${errorMessage(error)}): another change to this payment is still running. Try again shortly.`
        )
      }
    }
    await sleep(RETRY_INTERVAL_MS)
  }
}

/** An acquire whose answer was lost may still have taken the lock: give it back (a release checks the owner). */
async function releaseIfTaken(
  locking: Pick<ILockingModule, "acquire" | "release">,
  lock: Pick<PaymentLock, "key" | "owner_id">,
  tried: boolean
): Promise<void> {
  if (tried) {
    await locking.release(lock.key, { ownerId: lock.owner_id }).catch(() => undefined)
  }
}
