export { startSandbox, type RunningSandbox } from "./server"
export { SandboxContext, SANDBOX_IMP_KEY, SANDBOX_IMP_SECRET, type SandboxOptions, type Fault, type FaultKind, type NonEnvelopeBody } from "./context"
export type { WidgetOutcome, WidgetPayment } from "./paymentwall"
export type { Ticket } from "./state"
