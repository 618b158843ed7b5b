import type { MedusaContainer } from "@medusajs/framework/types"
import { CLAIM_HEARTBEAT_SECONDS } from "../../../../lib/claim-liveness"
import { keepClaimAlive } from "../claim-heartbeat"

/** A database that answers the heartbeat's update: 1 row while `owner` holds the claim, none once it was taken over. */
function database(owner: string) {
  const state = { owner, beats: 0 }
  const container = {
    resolve: () => ({
      raw: async (sql: string, bindings: unknown[]) => {
        expect(sql).toContain("claim_owner = ?")
        state.beats++
        return { rowCount: bindings[1] === state.owner ? 1 : 0 }
      },
    }),
  } as unknown as MedusaContainer
  return { container, state }
}

describe("a booking's claim heartbeat", () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  it("beats while the booking runs, and stops when told", async () => {
    const db = database("booking-a")
    const heartbeat = keepClaimAlive(db.container, "pwcn_1", "booking-a", 300)
    await jest.advanceTimersByTimeAsync(3 * CLAIM_HEARTBEAT_SECONDS * 1000)
    expect(db.state.beats).toBe(3)
    await expect(heartbeat.confirm()).resolves.toBeUndefined()
    heartbeat.stop()
    await jest.advanceTimersByTimeAsync(3 * CLAIM_HEARTBEAT_SECONDS * 1000)
    expect(db.state.beats).toBe(4)
  })

  it("the fence: once another settlement took the claim over, confirm() refuses and nothing is booked", async () => {
    const db = database("booking-a")
    const heartbeat = keepClaimAlive(db.container, "pwcn_1", "booking-a", 300)
    db.state.owner = "booking-b"
    await expect(heartbeat.confirm()).rejects.toThrow("taken over by another settlement")
    // Lost for good: a later beat that would succeed (it cannot) does not undo it.
    db.state.owner = "booking-a"
    await expect(heartbeat.confirm()).rejects.toThrow("taken over")
    heartbeat.stop()
  })

  it("a takeover seen by a background beat is remembered for the next confirm()", async () => {
    const db = database("booking-a")
    const heartbeat = keepClaimAlive(db.container, "pwcn_1", "booking-a", 300)
    db.state.owner = "booking-b"
    await jest.advanceTimersByTimeAsync(CLAIM_HEARTBEAT_SECONDS * 1000)
    db.state.owner = "booking-a"
    await expect(heartbeat.confirm()).rejects.toThrow("taken over")
    heartbeat.stop()
  })

  it("stops by itself after the longest a booking can take", async () => {
    const db = database("booking-a")
    keepClaimAlive(db.container, "pwcn_1", "booking-a", 2 * CLAIM_HEARTBEAT_SECONDS)
    await jest.advanceTimersByTimeAsync(10 * CLAIM_HEARTBEAT_SECONDS * 1000)
    expect(db.state.beats).toBe(2)
  })
})
