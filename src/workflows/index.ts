export { requestCancelTicketWorkflow, requestCancelTicketWorkflowId } from "./request-cancel-ticket"
export { settleCancellationsWorkflow, settleCancellationsWorkflowId } from "./settle-cancellations"
export { settlePaymentWorkflow, settlePaymentWorkflowId } from "./settle-payment"
export { TICKET_ATTENTION_EVENT, TICKET_REJECTED_EVENT, TICKET_REJECTION_SUSPECTED_EVENT } from "./settlement/events"
export { settleOpenPayments, type SettleOpenPaymentsInput, type SettleOpenPaymentsResult } from "./settle-open-payments"
export {
  bindSuspectedApprovalWorkflow,
  closeReturnedTicketWorkflow,
  confirmTicketRejectionWorkflow,
  dismissCancelTicketWorkflow,
  keepTicketWaitingWorkflow,
  retryCancelTicketWorkflow,
  type TicketDecision,
} from "./ticket-actions"
export { throwIfRefused } from "./steps/ticket-decision"
export { cancelExtraAttemptWorkflow, cancelExtraAttemptWorkflowId } from "./extra-attempts/cancel-extra-attempt"
export { recordExtraAttemptWorkflow, recordExtraAttemptWorkflowId } from "./extra-attempts/record-extra-attempt"
