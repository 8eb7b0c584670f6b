/**
 * The one way heavy code loads on first use, never at activation: `lazy` for modules imported
 * when a command first needs them, `once` for what must be had synchronously (the settings
 * schema: settings are read synchronously). A failed load is tried again on the next use.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
