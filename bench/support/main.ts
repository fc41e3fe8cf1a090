/**
 * The frame of every benchmark script: cleanups registered as things start
 * run in reverse order whether the run ends, fails, is interrupted (SIGINT,
 * SIGTERM) or overruns its time budget. The exit code is 0 when every target
 * was met, 1 when one was missed, 2 when the run itself failed.
 */
export interface BenchContext {
  /** Runs `cleanup` when the benchmark ends, last registered first. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
}

export function runBench(name: string, budgetMs: number, body: (ctx: BenchContext) => Promise<boolean>): void {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  let finishing = false;

  const finish = async (code: number) => {
    if (finishing) return;
    finishing = true;
    clearTimeout(budget);
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        process.stderr.write(`${name}: cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    process.exit(code);
  };

  const budget = setTimeout(() => {
    process.stderr.write(`${name}: over its ${budgetMs / 1000} s budget, stopping\n`);
    void finish(2);
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`${name}: ${signal}, cleaning up\n`);
      void finish(130);
    });
  }

  process.on('uncaughtException', (err) => {
    process.stderr.write(`${name}: ${err.stack ?? String(err)}\n`);
    void finish(2);
  });

  body({ defer: (cleanup) => cleanups.push(cleanup) }).then(
    (pass) => finish(pass ? 0 : 1),
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.stack : String(err)}\n`);
      void finish(2);
    },
  );
}
