import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"

export const retrieveCancelTicketStepId = "iamport-paymentwall-retrieve-cancel-ticket"

/** The ticket as the flow left it (a settlement may have completed it): what a ticket workflow answers. */
export const retrieveCancelTicketStep = createStep(
  retrieveCancelTicketStepId,
  async ({ ticket_id }: { ticket_id: string }, { container }) => {
    return new StepResponse(await paymentwallModule(container).retrieveCancelTicket(ticket_id))
  }
)
