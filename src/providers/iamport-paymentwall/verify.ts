import type { Logger } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { sameAmount } from "../../lib/money"
import type { IamportPayment } from "../../lib/iamport/types"
import { sessionIdFromMerchantUid } from "../../lib/paymentwall/payment-data"

export type Expected = {
  merchant_uid: string
  amount: number
  currency: string
}

/**
 * Why i'mport's payment is not the one Medusa expects; empty when it is. The browser and the webhook body are
 * never consulted: only what i'mport's REST API says against what the provider itself registered.
 */
export function paymentMismatches(payment: IamportPayment, expected: Expected, mode: "test" | "live"): string[] {
  const problems: string[] = []
  if (payment.merchant_uid !== expected.merchant_uid) {
    problems.push(`merchant_uid is ${payment.merchant_uid}, expected ${expected.merchant_uid}`)
  }
  if ((payment.currency ?? "").toUpperCase() !== expected.currency.toUpperCase()) {
    problems.push(`currency is ${payment.currency}, expected ${expected.currency}`)
  }
  if (!amountMatches(payment.amount, expected.amount)) {
    problems.push(`amount is ${payment.amount}, expected ${expected.amount}`)
  }
  problems.push(...channelMismatches(payment, mode))
  return problems
}

/** Refuses a payment that is not this checkout's, logged as suspected tampering. */
export function assertMatches(
  payment: IamportPayment,
  expected: Expected,
  mode: "test" | "live",
  logger: Logger
): void {
  const problems = paymentMismatches(payment, expected, mode)
  if (problems.length) {
    logger.warn(`iamport-paymentwall: suspected tampering, payment ${payment.imp_uid} refused: ${problems.join("; ")}`)
    throw new MedusaError(
      MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
      `The i'mport payment does not match this checkout: ${problems.join("; ")}.`
    )
  }
}

/**
 * What the ownership checks read, which V1's payment and settlement's view (lib/paymentwall/payment-view) both
 * carry under the same names: an absent pg_provider (V1) and a null one (the view) read alike.
 */
export type Owned = { merchant_uid: string; sandbox: boolean; pg_provider?: string | null }

/** The payment went through Paymentwall, on a test channel exactly when the store runs in test mode. */
export function channelMismatches(payment: Omit<Owned, "merchant_uid">, mode: "test" | "live"): string[] {
  const problems: string[] = []
  if (payment.pg_provider !== "paymentwall") {
    problems.push(`pg_provider is ${payment.pg_provider ?? "missing"}, expected paymentwall`)
  }
  if (mode === "live" && payment.sandbox) {
    problems.push("it is a test-channel (sandbox) payment and the store runs in live mode")
  }
  if (mode === "test" && payment.sandbox === false) {
    problems.push("it is a live payment and the store runs in test mode")
  }
  return problems
}

/** Why i'mport's payment is not one this provider may act on (another PG, the other mode, a foreign merchant_uid). */
export function ownershipProblems(payment: Owned, mode: "test" | "live"): string[] {
  return [
    ...(sessionIdFromMerchantUid(payment.merchant_uid)
      ? []
      : [`merchant_uid ${payment.merchant_uid} was not made by this plugin`]),
    ...channelMismatches(payment, mode),
  ]
}

function amountMatches(actual: unknown, expected: number): boolean {
  if (typeof actual !== "number" && typeof actual !== "string") {
    return false
  }
  try {
    return sameAmount(actual, expected)
  } catch {
    return false
  }
}
