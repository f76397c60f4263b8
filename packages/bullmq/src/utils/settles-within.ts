/** How long one step of closing (a QUIT, putting tasks back) may take before it is forced. */
export const CLOSE_STEP_MS = 1000;

/** Resolves `true` if `work` settles within `timeoutMs`, else `false` (the work goes on). */
export async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
