import { MedusaError } from "@medusajs/framework/utils"
import { acquireUnlessShuttingDown } from "../acquire-payment-lock"

const lock = { key: "iamport-paymentwall:payment:pay_1", owner_id: "owner", ttl: 90, timeout: 120 }
const noSleep = async () => undefined

function locking(acquire: jest.Mock) {
  return { acquire, release: jest.fn().mockResolvedValue(true) }
}

describe("acquireUnlessShuttingDown", () => {
  it("takes a free lock at once, with the lock's owner and lifetime", async () => {
    const l = locking(jest.fn().mockResolvedValue(undefined))
    await acquireUnlessShuttingDown(l, lock, () => false)
    expect(l.acquire).toHaveBeenCalledWith(lock.key, { expire: 90, ownerId: "owner" })
    expect(l.release).not.toHaveBeenCalled()
  })

  it("stops waiting for a held lock as soon as the process starts shutting down, with a transient error", async () => {
    let closing = false
    let tries = 0
    const l = locking(
      jest.fn().mockImplementation(async () => {
        tries += 1
        if (tries === 3) {
          closing = true
        }
        throw new Error("held by another process")
      })
    )
    const error = await acquireUnlessShuttingDown(l, lock, () => closing, noSleep).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).type).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect((error as MedusaError).message).toMatch(/shutting down/)
    // Without the check it would go on trying for `timeout` (two minutes).
    expect(tries).toBe(3)
    // A try whose answer was lost may have taken it: given back, under this run's owner only.
    expect(l.release).toHaveBeenCalledWith(lock.key, { ownerId: "owner" })
  })

  it("does not start at all once shutting down", async () => {
    const l = locking(jest.fn())
    await expect(acquireUnlessShuttingDown(l, lock, () => true)).rejects.toThrow(/shutting down/)
    expect(l.acquire).not.toHaveBeenCalled()
    expect(l.release).not.toHaveBeenCalled()
  })

  it("gives up after its timeout with one conflict that names the provider's reason, whatever the provider threw", async () => {
    const l = locking(jest.fn().mockRejectedValue(new Error("Failed to acquire lock")))
    const error = await acquireUnlessShuttingDown(l, { ...lock, timeout: 0 }, () => false, noSleep).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).type).toBe(MedusaError.Types.CONFLICT)
    expect((error as MedusaError).message).toMatch(/stayed taken .*Failed to acquire lock/)
    expect(l.release).toHaveBeenCalledWith(lock.key, { ownerId: "owner" })
  })
})
