/**
 * The plugin's scheduled jobs that call i'mport (settlement, delivery notices, test-payment cleanup) do nothing while
 * IAMPORT_PAYMENTWALL_SCHEDULED_JOBS is "off" and NODE_ENV is "test": for a test that counts i'mport's calls and runs
 * the jobs' work itself (a run at the quarter hour would otherwise land in the middle of what it measures). Outside
 * tests the switch is ignored, so a copied env file can never stop the job that books a lost notice.
 */
export function scheduledJobsPaused(): boolean {
  return process.env.IAMPORT_PAYMENTWALL_SCHEDULED_JOBS === "off" && process.env.NODE_ENV === "test"
}
