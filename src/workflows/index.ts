export { requestCancelTicketWorkflow, requestCancelTicketWorkflowId } from "./request-cancel-ticket"
export { settleCancellationsWorkflow, settleCancellationsWorkflowId } from "./settle-cancellations"
export { TICKET_ATTENTION_EVENT, TICKET_REJECTED_EVENT } from "./settlement/settle-payment"
export { reconcileCancelTicketsWorkflow, reconcileCancelTicketsWorkflowId } from "./reconcile-cancel-tickets"
