import { lockTtlSeconds } from "../lock-ttl"

describe("lockTtlSeconds: a payment's lock outlives the calls it guards", () => {
  it("covers sixteen calls at the default 15 s timeout, with backoff and a minute for the database", () => {
    // look-up: token + 3 attempts, twice after a 401 (8); two cancels (refused on a stale snapshot, then sent
    // again): token + 1, twice, each (8).
    expect(lockTtlSeconds(15_000, 2, 200)).toBe(Math.ceil((16 * 15_000 + 2 * 600) / 1000) + 60)
  })

  it("grows with the timeout, so a 120 s timeout gets far more than the old fixed 120 s", () => {
    expect(lockTtlSeconds(120_000, 2, 200)).toBeGreaterThan(16 * 120)
  })
})
