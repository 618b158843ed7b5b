import { BigNumber as MedusaBigNumber, MathBN, MedusaError } from "@medusajs/framework/utils"
import type { BigNumberInput } from "@medusajs/framework/types"

/**
 * Decimal places per currency, as i'mport takes them: major units, as a JSON number.
 * The list is Paymentwall's through PortOne (USD, KRW, JPY, EUR, RUB, HKD, AUD, GBP, CAD, THB; TWD and SGD
 * in PortOne Global's list). ISO 4217 exponents, which agree with @medusajs/utils' currency table.
 */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = Object.freeze({
  KRW: 0,
  JPY: 0,
  USD: 2,
  EUR: 2,
  RUB: 2,
  HKD: 2,
  AUD: 2,
  GBP: 2,
  CAD: 2,
  THB: 2,
  TWD: 2,
  SGD: 2,
})

export type Decimal = ReturnType<typeof MathBN.convert>

export function supportedCurrency(currency: string): string {
  const code = (currency ?? "").toString().trim().toUpperCase()
  if (!(code in CURRENCY_DECIMALS)) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Currency "${currency}" is not available on i'mport's Paymentwall channel. ` +
        `Use one of: ${Object.keys(CURRENCY_DECIMALS).join(", ")}.`
    )
  }
  return code
}

export function currencyDecimals(currency: string): number {
  return CURRENCY_DECIMALS[supportedCurrency(currency)]
}

/** Any amount Medusa hands a provider (number, string, BigNumber, raw `{value, precision}`) as an exact decimal. */
export function toDecimal(amount: BigNumberInput | Decimal): Decimal {
  let decimal: Decimal
  try {
    decimal = MathBN.convert(amount)
  } catch {
    decimal = MathBN.convert(NaN)
  }
  if (!decimal.isFinite()) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Amount ${describe(amount)} is not a number.`)
  }
  return decimal
}

/**
 * The amount in the currency's major units, as the JSON number i'mport expects.
 * Refuses an amount that is not positive or that the currency cannot carry exactly (10.5 KRW, 1.005 USD):
 * rounding it silently would charge or refund a different sum from the one Medusa booked.
 */
export function toIamportAmount(amount: BigNumberInput | Decimal, currency: string): number {
  const code = supportedCurrency(currency)
  const decimals = CURRENCY_DECIMALS[code]
  const decimal = toDecimal(amount)
  if (!decimal.isGreaterThan(0)) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Amount ${decimal.toFixed()} ${code} must be greater than zero.`
    )
  }
  if ((decimal.decimalPlaces() ?? 0) > decimals) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Amount ${decimal.toFixed()} ${code} has more decimals than ${code} allows (${decimals}).`
    )
  }
  // Every decimal with at most 2 places below 2^53/100 round-trips exactly through a JS number and JSON.
  const value = Number(decimal.toFixed(decimals))
  if (!Number.isSafeInteger(Math.round(value * 10 ** decimals))) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Amount ${decimal.toFixed()} ${code} is too large.`)
  }
  return value
}

/** Exact decimal equality: never a float comparison. */
export function sameAmount(a: BigNumberInput | Decimal, b: BigNumberInput | Decimal): boolean {
  return toDecimal(a).isEqualTo(toDecimal(b))
}

export function minusAmount(a: BigNumberInput | Decimal, b: BigNumberInput | Decimal): Decimal {
  return toDecimal(a).minus(toDecimal(b))
}

/** A plain string for logs and messages ("12.5"), never exponent notation. */
export function formatAmount(amount: BigNumberInput | Decimal): string {
  return toDecimal(amount).toFixed()
}

function describe(amount: unknown): string {
  if (amount instanceof MedusaBigNumber) {
    return String(amount.numeric)
  }
  try {
    return JSON.stringify(amount)
  } catch {
    return String(amount)
  }
}
