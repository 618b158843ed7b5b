import type { ILockingModule, Logger } from "@medusajs/framework/types"
import { errorMessage } from "./error-message"

/**
 * A lock the plugin takes lives this long unless its holder renews it, which it does every third of it while the
 * work runs. So a process that dies holding a payment's lock blocks that payment for at most this long, not for the
 * whole time the work could take (lib/lock-ttl.ts, which now caps the renewals instead).
 */
export const LOCK_LEASE_SECONDS = 30

type Renewal = { timer: ReturnType<typeof setInterval>; pending: Promise<unknown>; busy: boolean; warned: boolean }

// On globalThis: the provider and the workflows may load this file twice (two module registries), but there is one
// process and one set of timers to stop.
const REGISTRY = Symbol.for("iamport-paymentwall.lock-renewals")

function renewals(): Map<string, Renewal> {
  const holder = globalThis as { [REGISTRY]?: Map<string, Renewal> }
  return (holder[REGISTRY] ??= new Map<string, Renewal>())
}

/**
 * Renews locks just taken by `ownerId` until stopRenewing (or for `maxHoldSeconds`, the longest the work under them
 * may last, so a holder that never stops cannot keep them). A refused renewal (another owner took a key after the
 * lease ran out while this process was frozen, or the lock store is out of reach) is said once and tried again at the
 * next tick: the work under it goes on, and the ledger's claims keep a booking single (lib/claim-liveness.ts).
 */
export function keepLocksAlive(
  locking: Pick<ILockingModule, "acquire">,
  keys: string[],
  ownerId: string,
  maxHoldSeconds: number,
  logger?: Pick<Logger, "warn">
): void {
  const until = Date.now() + maxHoldSeconds * 1000
  const renewal: Renewal = {
    pending: Promise.resolve(),
    busy: false,
    warned: false,
    timer: setInterval(
      () => {
        if (Date.now() > until) {
          void stopRenewing(ownerId)
          return
        }
        if (renewal.busy) {
          // One renewal at a time: a slow one still under way could otherwise land after the release stopRenewing waits for.
          return
        }
        renewal.busy = true
        renewal.pending = locking
          .acquire(keys, { ownerId, expire: LOCK_LEASE_SECONDS })
          .catch((error: unknown) => {
            if (!renewal.warned) {
              renewal.warned = true
              logger?.warn(
                `iamport-paymentwall: could not renew lock ${keys.join(", ")} (${errorMessage(error)}); trying again, and the work under it goes on.`
              )
            }
          })
          .finally(() => {
            renewal.busy = false
          })
      },
      (LOCK_LEASE_SECONDS * 1000) / 3
    ),
  }
  renewal.timer.unref?.()
  renewals().set(ownerId, renewal)
}

/** Stops renewing, and waits for a renewal under way: one that landed after the release would take the lock again. */
export async function stopRenewing(ownerId: string): Promise<void> {
  const renewal = renewals().get(ownerId)
  if (!renewal) {
    return
  }
  clearInterval(renewal.timer)
  renewals().delete(ownerId)
  await renewal.pending
}

/** Locks this process renews now: for tests. */
export function renewedLockCount(): number {
  return renewals().size
}
