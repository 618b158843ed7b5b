/** The provider's timeoutMs in the scale store: the kill scenario derives its bound from it (lib/lock-ttl.ts). */
module.exports = { SCALE_TIMEOUT_MS: 2000 }
