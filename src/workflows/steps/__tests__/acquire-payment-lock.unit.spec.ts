import { MedusaError } from "@medusajs/framework/utils"
import { acquireUnlessShuttingDown } from "../acquire-payment-lock"

const lock = { key: "iamport-paymentwall:payment:pay_1", owner_id: "owner", ttl: 90, timeout: 120 }

describe("acquireUnlessShuttingDown", () => {
  it("takes a free lock at once, with the lock's owner and lifetime", async () => {
    const acquire = jest.fn().mockResolvedValue(undefined)
    await acquireUnlessShuttingDown({ acquire }, lock, () => false)
    expect(acquire).toHaveBeenCalledWith(lock.key, { expire: 90, ownerId: "owner" })
  })

  it("stops waiting for a held lock as soon as the process starts shutting down, with a transient error", async () => {
    let closing = false
    let tries = 0
    const acquire = jest.fn().mockImplementation(async () => {
      tries += 1
      if (tries === 3) {
        closing = true
      }
      throw new Error("held by another process")
    })
    const error = await acquireUnlessShuttingDown({ acquire }, lock, () => closing, async () => undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect((error as MedusaError).message).toMatch(/shutting down/)
    // Without the check it would go on trying for `timeout` (two minutes).
    expect(tries).toBe(3)
  })

  it("does not start at all once shutting down", async () => {
    const acquire = jest.fn()
    await expect(acquireUnlessShuttingDown({ acquire }, lock, () => true)).rejects.toThrow(/shutting down/)
    expect(acquire).not.toHaveBeenCalled()
  })

  it("gives up with the locking module's own error after its timeout", async () => {
    const acquire = jest.fn().mockRejectedValue(new Error("held by another process"))
    await expect(acquireUnlessShuttingDown({ acquire }, { ...lock, timeout: 0 }, () => false, async () => undefined)).rejects.toThrow("held by another process")
  })
})
