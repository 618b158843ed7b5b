import { sameAmount } from "../../lib/money"
import type { IamportPayment } from "../../lib/iamport/types"

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

/** The payment went through Paymentwall, on a test channel exactly when the store runs in test mode. */
export function channelMismatches(payment: IamportPayment, mode: "test" | "live"): string[] {
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
