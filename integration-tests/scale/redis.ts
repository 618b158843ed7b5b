import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import net from "node:net"

export type RedisServer = { url: string; restart: () => Promise<void>; stop: () => Promise<void> }

const INSTALL_HINT =
  "redis-server is not installed: on Debian or Ubuntu, apt-get install -y redis-server (.ci/run does this); " +
  "elsewhere install Redis 6.2 or newer and put redis-server on the PATH"

/**
 * Debian's redis-server on loopback, with its append-only file on (fsynced every second, and in full when it stops): Medusa's event bus keeps
 * accepted notices in Redis, and a restart must not lose them (a store should run Redis with AOF on as well).
 */
export async function startRedis(port: number, dir: string): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error(INSTALL_HINT)
  }
  if (await listening(port)) {
    throw new Error(
      `port ${port} is taken (a redis-server left from an earlier run?): stop it, or choose another base port`
    )
  }
  fs.mkdirSync(dir, { recursive: true })
  let child: ChildProcess | undefined
  const launch = async () => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
      ],
      { stdio: ["ignore", fs.openSync(`${dir}/redis.log`, "a"), fs.openSync(`${dir}/redis.log`, "a")] }
    )
    await waitForPort(port, 20_000)
  }
  const stop = async () => {
    const running = child
    child = undefined
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once("exit", resolve))
      running.kill("SIGTERM")
      await exited
    }
  }
  await launch()
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await stop()
      await launch()
    },
    stop,
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => (socket.end(), resolve(true)))
    socket.once("error", () => resolve(false))
  })
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await listening(port)) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`redis-server did not listen on ${port} within ${timeoutMs / 1000} s`)
}
