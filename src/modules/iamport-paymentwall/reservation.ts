import { MathBN } from "@medusajs/framework/utils"

type BigNumberInput = Parameters<typeof MathBN.convert>[0]

/** Open tickets that hold money back at Paymentwall: asked for, or waiting there (returned ones are in cancel_amount). */
export const RESERVING_TICKET_STATUSES = ["requested", "waiting_for_cancellation"] as const

/** What an open ticket holds back: its lowered reservation once i'mport showed less left, else its amount. */
export function reservedAmount(ticket: { amount: unknown; reserved_amount?: unknown }): ReturnType<typeof MathBN.convert> {
  const reserved = ticket.reserved_amount
  return MathBN.convert((reserved ?? ticket.amount) as BigNumberInput)
}

/** The sum of what the tickets hold back. */
export function reservedTotal(tickets: readonly { amount: unknown; reserved_amount?: unknown }[]): ReturnType<typeof MathBN.convert> {
  return tickets.reduce((sum, t) => MathBN.convert(MathBN.add(sum, reservedAmount(t))), MathBN.convert(0))
}
