/**
 * The lock every writer of one payment's refunds takes: settlement, a new cancel request, an admin's decision on a
 * ticket and Medusa's order cancel. One key per Medusa payment, shared across processes through Medusa's locking.
 */
export function paymentLockKey(paymentId: string): string {
  return `iamport-paymentwall:payment:${paymentId}`
}
