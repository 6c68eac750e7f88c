/** Unhandled rejections, as the "never throws" tests (test/hardening.test.ts, test/property.test.ts) count them. */

/** Collects the process's unhandled rejections while `run` goes and a few turns of the event loop after. */
export async function unhandledDuring<T>(run: () => Promise<T>): Promise<{ result: T; unhandled: unknown[] }> {
  const unhandled: unknown[] = []
  const listener = (reason: unknown) => unhandled.push(reason)
  // vitest's own listener would fail the file; ours records, so the assertion says what happened.
  const others = process.listeners('unhandledRejection')
  process.removeAllListeners('unhandledRejection')
  process.on('unhandledRejection', listener)
  try {
    const result = await run()
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    return { result, unhandled }
  } finally {
    process.off('unhandledRejection', listener)
    for (const other of others) process.on('unhandledRejection', other)
  }
}
