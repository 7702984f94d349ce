/** Runs `run` over `items` with at most `width` at once; the results in the items' order. */
export async function pool<T, R>(items: T[], width: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await run(items[index]!, index);
      }
    }),
  );
  return out;
}
