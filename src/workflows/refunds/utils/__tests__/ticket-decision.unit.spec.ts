import type { CancelTicket } from "../../../../modules/iamport-paymentwall"
import { type TicketDecision, throwIfRefused } from "../ticket-decision"

const ticket = { id: "pwct_1", status: "completed" } as CancelTicket

describe("a ticket action's answer", () => {
  it("a refusal is thrown as NOT_ALLOWED with its reason, never read as done", () => {
    const refused: TicketDecision = {
      outcome: "refused",
      reason: "i'mport now shows this cancellation as returned",
      ticket,
    }
    expect(() => throwIfRefused(refused)).toThrow("i'mport now shows this cancellation as returned")
    try {
      throwIfRefused(refused)
    } catch (error) {
      expect((error as { type?: string }).type).toBe("not_allowed")
    }
  })

  it("a decision hands back its ticket", () => {
    expect(throwIfRefused({ outcome: "decided", ticket })).toBe(ticket)
  })
})
