// The plugin's workflows, each with its id, for a store's own code to run or compose (runAsStep). The settlement is
// exported as settleCancellationsWorkflow, which takes the payment's lock; its lockless core stays internal.
export { requestCancelTicketWorkflow, requestCancelTicketWorkflowId } from "./refunds/workflows/request-cancel-ticket"
export { retryCancelTicketWorkflow, retryCancelTicketWorkflowId } from "./refunds/workflows/retry-cancel-ticket"
export { dismissCancelTicketWorkflow, dismissCancelTicketWorkflowId } from "./refunds/workflows/dismiss-cancel-ticket"
export {
  confirmTicketRejectionWorkflow,
  confirmTicketRejectionWorkflowId,
} from "./refunds/workflows/confirm-ticket-rejection"
export { keepTicketWaitingWorkflow, keepTicketWaitingWorkflowId } from "./refunds/workflows/keep-ticket-waiting"
export {
  bindSuspectedApprovalWorkflow,
  bindSuspectedApprovalWorkflowId,
} from "./refunds/workflows/bind-suspected-approval"
export { closeReturnedTicketWorkflow, closeReturnedTicketWorkflowId } from "./refunds/workflows/close-returned-ticket"
export { type TicketDecision, throwIfRefused } from "./refunds/utils/ticket-decision"
export { settleCancellationsWorkflow, settleCancellationsWorkflowId } from "./settlement/workflows/settle-cancellations"
export {
  TICKET_ATTENTION_EVENT,
  TICKET_REJECTED_EVENT,
  TICKET_REJECTION_SUSPECTED_EVENT,
} from "./settlement/utils/events"
export {
  settleOpenPayments,
  type SettleOpenPaymentsInput,
  type SettleOpenPaymentsResult,
} from "./settlement/utils/settle-open-payments"
export {
  cancelExtraAttemptWorkflow,
  cancelExtraAttemptWorkflowId,
} from "./extra-attempts/workflows/cancel-extra-attempt"
export {
  recordExtraAttemptWorkflow,
  recordExtraAttemptWorkflowId,
} from "./extra-attempts/workflows/record-extra-attempt"
