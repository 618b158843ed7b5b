/**
 * The plugin's scheduled jobs that call i'mport (settlement, delivery notices, test-payment cleanup) do nothing while IAMPORT_PAYMENTWALL_SCHEDULED_JOBS is "off": for a test or a benchmark
 * that counts i'mport's calls and runs the jobs' work itself (a run at the quarter hour would otherwise land in the
 * middle of what it measures). Never set in a store: the settlement job is what books a notice that was lost.
 */
export function scheduledJobsPaused(): boolean {
  return process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS === "off"
}
