import type { IamportPayment } from "../../../lib/iamport/types"
import { type Decimal, minusAmount } from "../../../lib/money"

/** The attempt a Medusa payment captured, as its data names it. */
export type CapturedAttempt = { merchant_uid: string; imp_uid: string | null }

/** What i'mport still holds of an attempt: paid less cancelled. */
export function leftAtIamport(payment: Pick<IamportPayment, "amount" | "cancel_amount">): Decimal {
  return minusAmount(payment.amount, payment.cancel_amount)
}

/** Paid and not cancelled in full (V1 shows a partial cancel as "cancelled" too). */
export function holdsMoney(payment: Pick<IamportPayment, "status" | "amount" | "cancel_amount">): boolean {
  return (payment.status === "paid" || payment.status === "cancelled") && leftAtIamport(payment).isGreaterThan(0)
}

/** Cancelled in full at i'mport: nothing of it is held any more. */
export function fullyCancelled(payment: Pick<IamportPayment, "status" | "amount" | "cancel_amount">): boolean {
  return payment.status === "cancelled" && !leftAtIamport(payment).isGreaterThan(0)
}

/**
 * Why i'mport's payment is not a second paid attempt of the Medusa payment that captured `captured`; empty when it
 * is. `ownership`: the provider's own objections (another PG, the other mode, a foreign merchant_uid).
 */
export function extraAttemptProblems(
  iamport: IamportPayment,
  captured: CapturedAttempt,
  ownership: readonly string[]
): string[] {
  const problems = [...ownership]
  if (iamport.merchant_uid !== captured.merchant_uid) {
    problems.push(`it is of merchant_uid ${iamport.merchant_uid}, not ${captured.merchant_uid}`)
  }
  if (!captured.imp_uid) {
    problems.push("the Medusa payment names no captured attempt yet")
  } else if (iamport.imp_uid === captured.imp_uid) {
    problems.push("it is the attempt Medusa captured")
  }
  if (iamport.status !== "paid" && iamport.status !== "cancelled") {
    problems.push(`it is ${iamport.status}, not paid`)
  } else if (!holdsMoney(iamport)) {
    problems.push("i'mport shows it cancelled in full")
  }
  return problems
}
