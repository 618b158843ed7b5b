import {
  MAX_WEBHOOK_HEADER_CHARS,
  WEBHOOK_SENDER_HEADER,
  webhookSenderAddress,
  webhookSourceIp,
} from "../../../lib/paymentwall/webhook-body"

const IAMPORT = "52.78.100.19"
const request = (socket: string | undefined, forwardedFor?: string) => ({
  headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  socket: { remoteAddress: socket },
})

describe("webhook sender address (Express's req.ip under webhookTrustedProxies)", () => {
  it("trusts nothing by default: the socket's address, whatever X-Forwarded-For says", () => {
    expect(webhookSenderAddress(request("203.0.113.9", IAMPORT), 0)).toBe("203.0.113.9")
    expect(webhookSenderAddress(request("203.0.113.9", IAMPORT), [])).toBe("203.0.113.9")
  })

  it("never takes a client-written first hop behind a trusted proxy", () => {
    // The client wrote 52.78.100.19; the proxy appended the client's real address.
    expect(webhookSenderAddress(request("127.0.0.1", `${IAMPORT}, 198.51.100.7`), 1)).toBe("198.51.100.7")
    expect(webhookSenderAddress(request("127.0.0.1", `${IAMPORT}, 198.51.100.7`), ["loopback"])).toBe("198.51.100.7")
  })

  it("with N trusted hops, takes the rightmost address past them", () => {
    const chain = `${IAMPORT}, 198.51.100.7, 10.0.0.2`
    expect(webhookSenderAddress(request("10.0.0.1", chain), 1)).toBe("10.0.0.2")
    expect(webhookSenderAddress(request("10.0.0.1", chain), 2)).toBe("198.51.100.7")
    // More trusted hops than there are entries ends at the leftmost, as Express does.
    expect(webhookSenderAddress(request("10.0.0.1", "198.51.100.7"), 5)).toBe("198.51.100.7")
  })

  it("with a list, stops at the first hop outside it (CIDRs and names)", () => {
    const trust = ["10.0.0.0/8", "loopback"]
    expect(webhookSenderAddress(request("127.0.0.1", `${IAMPORT}, 10.1.2.3`), trust)).toBe(IAMPORT)
    expect(webhookSenderAddress(request("127.0.0.1", `${IAMPORT}, 198.51.100.7, 10.1.2.3`), trust)).toBe("198.51.100.7")
    // An untrusted socket ends the walk at once.
    expect(webhookSenderAddress(request("192.0.2.1", `${IAMPORT}, 10.1.2.3`), trust)).toBe("192.0.2.1")
    expect(webhookSenderAddress(request("192.168.5.5", IAMPORT), ["uniquelocal"])).toBe(IAMPORT)
  })

  it("reports an IPv4 peer of a dual-stack socket in plain IPv4, as the allow-list is written", () => {
    expect(webhookSenderAddress(request(`::ffff:${IAMPORT}`), 0)).toBe(IAMPORT)
    expect(webhookSenderAddress(request("::1"), 0)).toBe("::1")
  })

  it("caps what it reports, and has nothing to say without a socket", () => {
    const junk = "x".repeat(500)
    expect(webhookSenderAddress(request("127.0.0.1", junk), 1)).toBe("x".repeat(MAX_WEBHOOK_HEADER_CHARS))
    expect(webhookSenderAddress(request(undefined, IAMPORT), 1)).toBeUndefined()
  })
})

describe("webhookSourceIp (what the provider and the inbox read)", () => {
  it("reads only the stamped header, never X-Forwarded-For or X-Real-IP", () => {
    expect(webhookSourceIp({ "x-forwarded-for": IAMPORT, "x-real-ip": IAMPORT })).toBeUndefined()
    expect(webhookSourceIp({ [WEBHOOK_SENDER_HEADER]: "198.51.100.7", "x-forwarded-for": IAMPORT })).toBe(
      "198.51.100.7"
    )
    expect(webhookSourceIp(undefined)).toBeUndefined()
  })

  it("caps the value it hands to the inbox", () => {
    expect(webhookSourceIp({ [WEBHOOK_SENDER_HEADER]: "y".repeat(1000) })).toHaveLength(MAX_WEBHOOK_HEADER_CHARS)
  })
})
