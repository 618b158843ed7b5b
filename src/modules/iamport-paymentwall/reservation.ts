import { MathBN } from "@medusajs/framework/utils"

type BigNumberInput = Parameters<typeof MathBN.convert>[0]

/** Open tickets that hold money back at Paymentwall: asked for, or waiting there (returned ones are in cancel_amount). */
export const RESERVING_TICKET_STATUSES = ["requested", "waiting_for_cancellation"] as const

/**
 * What open tickets hold back: each its whole amount, until Paymentwall or a person decides. Never lowered by the
 * plugin: a ticket is paid in full or not at all, so part of one reserves nothing safely.
 */
export function reservedTotal(tickets: readonly { amount: unknown }[]): ReturnType<typeof MathBN.convert> {
  return tickets.reduce(
    (sum, t) => MathBN.convert(MathBN.add(sum, MathBN.convert(t.amount as BigNumberInput))),
    MathBN.convert(0)
  )
}
