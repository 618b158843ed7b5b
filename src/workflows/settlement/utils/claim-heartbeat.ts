import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { CLAIM_HEARTBEAT_SECONDS } from "../../../lib/claim-liveness"
import { beatClaim } from "./ledger-claim"

export type ClaimHeartbeat = {
  /**
   * Renews the claim now and throws if another settlement took it over: the fence before anything is booked.
   * `entering`: the booking now enters Medusa's refund workflow (lib/claim-liveness.ts).
   */
  confirm(entering?: boolean): Promise<void>
  stop(): void
}

/**
 * Keeps a booking's claim alive while it runs (lib/claim-liveness.ts). The timer is unref'd and stops by itself after
 * `maxSeconds` (the longest a booking can take), so a booking that never calls stop() cannot keep a claim alive.
 */
export function keepClaimAlive(
  container: MedusaContainer,
  rowId: string,
  owner: string,
  maxSeconds: number
): ClaimHeartbeat {
  let lost = false
  const until = Date.now() + maxSeconds * 1000
  const timer = setInterval(() => {
    if (Date.now() > until) {
      clearInterval(timer)
      return
    }
    beatClaim(container, rowId, owner).then(
      (held) => {
        lost ||= !held
      },
      // A failed write proves nothing either way: confirm() asks again before booking.
      () => undefined
    )
  }, CLAIM_HEARTBEAT_SECONDS * 1000)
  timer.unref?.()
  return {
    async confirm(entering = false) {
      if (lost || !(await beatClaim(container, rowId, owner, entering))) {
        lost = true
        throw new MedusaError(
          MedusaError.Types.CONFLICT,
          `The claim on ledger row ${rowId} was taken over by another settlement while this one was slow; nothing was booked here.`
        )
      }
    },
    stop() {
      clearInterval(timer)
    },
  }
}
