import { BigNumber, defaultCurrencies } from "@medusajs/framework/utils"
import {
  CURRENCY_DECIMALS,
  currencyDecimals,
  formatAmount,
  sameAmount,
  supportedCurrency,
  toIamportAmount,
} from "../money"

describe("money: Medusa amounts to i'mport major units", () => {
  it.each([
    ["KRW", 0],
    ["JPY", 0],
    ["USD", 2],
    ["EUR", 2],
    ["RUB", 2],
    ["HKD", 2],
    ["AUD", 2],
    ["GBP", 2],
    ["CAD", 2],
    ["THB", 2],
    ["TWD", 2],
    ["SGD", 2],
  ])("knows %s has %i decimals", (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals)
    expect(currencyDecimals(currency.toLowerCase())).toBe(decimals)
  })

  it("agrees with Medusa's own currency table on every currency it lists", () => {
    for (const [code, decimals] of Object.entries(CURRENCY_DECIMALS)) {
      expect([code, defaultCurrencies[code]?.decimal_digits]).toEqual([code, decimals])
    }
  })

  it.each([
    // input, currency, expected JSON number
    [10000, "krw", 10000],
    ["10000", "KRW", 10000],
    [{ value: "10000", precision: 20 }, "KRW", 10000],
    [new BigNumber(1500), "JPY", 1500],
    [12.5, "usd", 12.5],
    ["12.50", "USD", 12.5],
    [{ value: "0.3", precision: 20 }, "EUR", 0.3],
    [new BigNumber("19.99"), "GBP", 19.99],
    ["0.01", "USD", 0.01],
    ["999999999.99", "USD", 999999999.99],
  ])("turns %p %s into %p", (input, currency, expected) => {
    const result = toIamportAmount(input, currency)
    expect(result).toBe(expected)
    expect(JSON.stringify(result)).toBe(String(expected))
  })

  it.each([
    [10.5, "KRW", "more decimals than KRW allows (0)"],
    ["1.005", "USD", "more decimals than USD allows (2)"],
    [{ value: "100.1", precision: 20 }, "JPY", "more decimals than JPY allows (0)"],
    [0, "USD", "must be greater than zero"],
    [-5, "KRW", "must be greater than zero"],
    ["abc", "USD", "is not a number"],
    [Number.NaN, "USD", "is not a number"],
    [10, "XTS", 'Currency "XTS" is not available'],
    [10, "", 'Currency "" is not available'],
    ["1e20", "USD", "too large"],
  ])("refuses %p %s: %s", (input, currency, message) => {
    expect(() => toIamportAmount(input as never, currency)).toThrow(message)
  })

  it("compares as decimals, not floats: 0.1 + 0.2 is not 0.3, but '0.30' is 0.3", () => {
    expect(sameAmount(0.1 + 0.2, 0.3)).toBe(false)
    expect(sameAmount("0.30", 0.3)).toBe(true)
    expect(sameAmount({ value: "12.50", precision: 20 }, 12.5)).toBe(true)
    expect(sameAmount(new BigNumber(100), "100.00")).toBe(true)
    expect(sameAmount(100, 100.01)).toBe(false)
  })

  it("prints plain decimals for messages", () => {
    expect(formatAmount(1e21)).toBe("1000000000000000000000")
    expect(formatAmount("0.000001")).toBe("0.000001")
  })

  it("names the supported currencies when it refuses one", () => {
    expect(() => supportedCurrency("XYZ")).toThrow(/USD, KRW|KRW, JPY/)
  })
})
