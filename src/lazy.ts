// A costly module loaded on first use and kept, so a server that never needs it does not carry it
// (docs/benchmarks.md: idle memory). A failed load is tried again on the next use.
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () =>
    (loaded ??= load().catch((err: unknown) => {
      loaded = null;
      throw err;
    }));
}
