export { requestCancelTicketWorkflow, requestCancelTicketWorkflowId } from "./request-cancel-ticket"
export { settleCancellationsWorkflow, settleCancellationsWorkflowId } from "./settle-cancellations"
export { TICKET_ATTENTION_EVENT, TICKET_REJECTED_EVENT, TICKET_REJECTION_SUSPECTED_EVENT } from "./settlement/events"
export { reconcileCancelTicketsWorkflow, reconcileCancelTicketsWorkflowId } from "./reconcile-cancel-tickets"
export {
  confirmTicketRejectionWorkflow,
  dismissCancelTicketWorkflow,
  keepTicketWaitingWorkflow,
  retryCancelTicketWorkflow,
} from "./ticket-actions"
