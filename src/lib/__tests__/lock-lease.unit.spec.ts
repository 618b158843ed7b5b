import { keepLocksAlive, LOCK_LEASE_SECONDS, renewedLockCount, stopRenewing } from "../lock-lease"

/** A lock store that records each renewal, and can refuse them or hold one open. */
function lockStore() {
  const calls: { keys: string | string[]; ownerId?: string; expire?: number }[] = []
  let refuse = false
  let hold: Promise<void> | null = null
  return {
    calls,
    refuse: (value: boolean) => {
      refuse = value
    },
    holdNext: (until: Promise<void>) => {
      hold = until
    },
    locking: {
      acquire: async (keys: string | string[], args?: { ownerId?: string; expire?: number }) => {
        calls.push({ keys, ...args })
        if (hold) {
          const h = hold
          hold = null
          await h
        }
        if (refuse) {
          throw new Error('Failed to acquire lock for key "k"')
        }
      },
    },
  }
}

describe("a lock's lease, renewed while its work runs", () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  it("renews every third of the lease with the holder's id, until stopped", async () => {
    const store = lockStore()
    keepLocksAlive(store.locking, ["pay_1"], "owner-1", 300)
    await jest.advanceTimersByTimeAsync(LOCK_LEASE_SECONDS * 1000)
    expect(store.calls).toEqual(
      [1, 2, 3].map(() => ({ keys: ["pay_1"], ownerId: "owner-1", expire: LOCK_LEASE_SECONDS }))
    )
    await stopRenewing("owner-1")
    await jest.advanceTimersByTimeAsync(LOCK_LEASE_SECONDS * 1000)
    expect(store.calls).toHaveLength(3)
    expect(renewedLockCount()).toBe(0)
  })

  it("stops by itself after the longest hold, so a holder that never stops cannot keep a lock", async () => {
    const store = lockStore()
    keepLocksAlive(store.locking, ["pay_2"], "owner-2", 60)
    await jest.advanceTimersByTimeAsync(10 * 60_000)
    // Renewals at 10, 20, …, 60 s; the tick after 60 s stops them.
    expect(store.calls).toHaveLength(6)
    expect(renewedLockCount()).toBe(0)
  })

  it("a refused renewal is said once and tried again: the work under the lock goes on", async () => {
    const store = lockStore()
    const warnings: string[] = []
    store.refuse(true)
    keepLocksAlive(store.locking, ["pay_3"], "owner-3", 300, { warn: (line: string) => void warnings.push(line) })
    await jest.advanceTimersByTimeAsync(LOCK_LEASE_SECONDS * 1000)
    expect(store.calls).toHaveLength(3)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("could not renew lock pay_3")
    await stopRenewing("owner-3")
  })

  it("a stop waits for a renewal under way, so none lands after the release", async () => {
    const store = lockStore()
    let finish!: () => void
    store.holdNext(new Promise<void>((resolve) => (finish = resolve)))
    keepLocksAlive(store.locking, ["pay_4"], "owner-4", 300)
    await jest.advanceTimersByTimeAsync((LOCK_LEASE_SECONDS * 1000) / 3)
    let stopped = false
    const stopping = stopRenewing("owner-4").then(() => (stopped = true))
    await jest.advanceTimersByTimeAsync(0)
    expect(stopped).toBe(false)
    finish()
    await stopping
    expect(stopped).toBe(true)
  })
})

describe("a slow renewal", () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  it("is never overlapped by the next, so the one a stop waits for is the only one under way", async () => {
    const calls: number[] = []
    let finish!: () => void
    const slow = new Promise<void>((resolve) => (finish = resolve))
    const locking = { acquire: async () => void calls.push(calls.length === 0 ? await slow.then(() => 1) : 2) }
    keepLocksAlive(locking, ["pay_5"], "owner-5", 300)
    // Three ticks while the first renewal hangs: no second renewal starts.
    await jest.advanceTimersByTimeAsync(LOCK_LEASE_SECONDS * 1000)
    expect(calls).toEqual([])
    finish()
    await jest.advanceTimersByTimeAsync((LOCK_LEASE_SECONDS * 1000) / 3)
    expect(calls).toEqual([1, 2])
    await stopRenewing("owner-5")
  })
})
