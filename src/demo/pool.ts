/**
 * Runs `each(0)` … `each(count - 1)` with at most `width` of them in flight at once, in index
 * order (a worker takes the next index when it is done with its last). The first failure
 * stops the workers from taking more and is what the returned promise rejects with.
 */
export async function inFlight(count: number, width: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      const i = next++;
      try {
        await each(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(width, count)) }, worker));
}
