import { IamportPaymentwallProviderService } from "../service"
import { resolveOptions } from "../../../lib/paymentwall/options"

const valid = {
  impKey: "key",
  impSecret: "secret",
  impCode: "imp12345678",
  channelKey: "channel-key-1",
}

describe("provider options, checked at boot", () => {
  it("accepts a complete configuration and fills the defaults", () => {
    expect(resolveOptions(valid)).toMatchObject({
      mode: "live",
      apiBaseUrl: "https://api.iamport.kr",
      orderName: "Order",
      timeoutMs: 15000,
      webhookAllowedIps: [],
      webhookTrustedProxies: 0,
    })
  })

  it.each([
    [{ impKey: undefined }, '"impKey" is required'],
    [{ impSecret: "" }, '"impSecret" is required'],
    [{ impCode: undefined }, '"impCode" is required'],
    [{ impCode: "12345678" }, '"impCode" must be "imp" followed by 8 digits'],
    [{ channelKey: undefined }, 'set "channelKey"'],
    [{ channelKey: undefined, pg: "inicis" }, '"pg" must be "paymentwall" or "paymentwall.{projectKey}"'],
    [{ mode: "production" }, '"mode" must be "test" or "live"'],
    [{ apiBaseUrl: "not a url" }, '"apiBaseUrl" is not a URL'],
    [{ apiBaseUrl: "ftp://api.iamport.kr" }, '"apiBaseUrl" must be http(s)'],
    [{ apiBaseUrl: "http://api.iamport.kr" }, '"apiBaseUrl" must use https in live mode'],
    [{ webhookAllowedIps: ["52.78.100.19", "nope"] }, '"webhookAllowedIps" must be a list of IP addresses'],
    [{ webhookAllowedIps: [123] }, '"webhookAllowedIps" must be a list of IP addresses'],
    [{ webhookAllowedIps: "52.78.100.19" }, '"webhookAllowedIps" must be a list of IP addresses'],
    [{ webhookTrustedProxies: true }, '"webhookTrustedProxies" must be a number of proxy hops'],
    [{ webhookTrustedProxies: -1 }, '"webhookTrustedProxies" must be a number of proxy hops'],
    [{ webhookTrustedProxies: 1.5 }, '"webhookTrustedProxies" must be a number of proxy hops'],
    [{ webhookTrustedProxies: ["10.0.0.0/8", "proxy.internal"] }, "invalid IP address: proxy.internal"],
    [{ webhookTrustedProxies: "10.0.0.0/33" }, "invalid range on address: 10.0.0.0/33"],
    [{ webhookTrustedProxies: [1] }, '"webhookTrustedProxies" must be a number of proxy hops'],
    [{ orderName: "x".repeat(41) }, '"orderName" may have at most 40 characters'],
    [{ timeoutMs: 5 }, '"timeoutMs" must be a whole number'],
  ])("refuses %p: %s", (patch, message) => {
    expect(() => resolveOptions({ ...valid, ...patch })).toThrow(message)
    expect(() => IamportPaymentwallProviderService.validateOptions({ ...valid, ...patch })).toThrow("medusa-config.ts")
  })

  it("takes null as left out: the default applies", () => {
    expect(
      resolveOptions({
        ...valid,
        mode: null,
        timeoutMs: null,
        webhookAllowedIps: null,
        orderName: null,
        webhookTrustedProxies: null,
      })
    ).toMatchObject({
      mode: "live",
      timeoutMs: 15000,
      webhookAllowedIps: [],
      orderName: "Order",
      webhookTrustedProxies: 0,
    })
  })

  it("accepts the legacy pg with a project key, and plain http to a loopback sandbox in live mode", () => {
    expect(resolveOptions({ ...valid, channelKey: undefined, pg: "paymentwall.abc123" }).pg).toBe("paymentwall.abc123")
    expect(resolveOptions({ ...valid, apiBaseUrl: "http://127.0.0.1:8891/" }).apiBaseUrl).toBe("http://127.0.0.1:8891")
  })

  it("takes webhookTrustedProxies in Express's trust proxy syntax", () => {
    expect(resolveOptions({ ...valid, webhookTrustedProxies: 2 }).webhookTrustedProxies).toBe(2)
    expect(resolveOptions({ ...valid, webhookTrustedProxies: "loopback, 10.0.0.0/8" }).webhookTrustedProxies).toEqual([
      "loopback",
      "10.0.0.0/8",
    ])
    expect(
      resolveOptions({ ...valid, webhookTrustedProxies: ["uniquelocal", "2001:db8::/32", "192.0.2.1/255.255.255.0"] })
        .webhookTrustedProxies
    ).toEqual(["uniquelocal", "2001:db8::/32", "192.0.2.1/255.255.255.0"])
    expect(resolveOptions({ ...valid, webhookTrustedProxies: [] }).webhookTrustedProxies).toEqual([])
  })

  it("never repeats the secret in its messages", () => {
    const error = (() => {
      try {
        resolveOptions({ ...valid, impSecret: "s3cr3t-value", mode: "bogus" })
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).not.toContain("s3cr3t-value")
  })
})

describe("autoCancelTestPaymentsAfterMinutes", () => {
  it("is off by default and read in test mode", () => {
    expect(resolveOptions(valid).autoCancelTestPaymentsAfterMinutes).toBeNull()
    expect(
      resolveOptions({ ...valid, mode: "test", autoCancelTestPaymentsAfterMinutes: 30 })
        .autoCancelTestPaymentsAfterMinutes
    ).toBe(30)
  })

  it("refuses to boot in live mode, where it would cancel real customers' payments", () => {
    expect(() => resolveOptions({ ...valid, mode: "live", autoCancelTestPaymentsAfterMinutes: 30 })).toThrow(
      '"autoCancelTestPaymentsAfterMinutes" cancels payments by itself and is for "mode": "test" only'
    )
    expect(() => resolveOptions({ ...valid, autoCancelTestPaymentsAfterMinutes: 30 })).toThrow(
      'for "mode": "test" only'
    )
  })

  it.each([0, -5, 1.5, "30", 10_081])("refuses %p", (value) => {
    expect(() => resolveOptions({ ...valid, mode: "test", autoCancelTestPaymentsAfterMinutes: value })).toThrow(
      '"autoCancelTestPaymentsAfterMinutes" must be a whole number of minutes from 1 to 10080'
    )
  })
})
