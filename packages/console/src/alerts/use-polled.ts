/**
 * Reads something from the API now and every `intervalMs`: alerts and anomalies have no event
 * on the stream, and the server evaluates them about twice a second, so a few seconds is live enough.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  value: T | undefined;
  error: string | undefined;
  /** Reads again at once, e.g. after an action changed what is shown. */
  reload: () => void;
}

/** `load` is re-read whenever it changes identity, so callers wrap it in `useCallback`. */
export function usePolled<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [round, setRound] = useState(0);
  const latest = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is how reload asks for a fresh read
  useEffect(() => {
    let live = true;
    const read = async () => {
      const ticket = ++latest.current;
      try {
        const next = await load();
        // An older read that answers late must not overwrite a newer one.
        if (!live || ticket !== latest.current) return;
        setValue(next);
        setError(undefined);
      } catch (e) {
        if (live && ticket === latest.current) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void read();
    const timer = setInterval(read, intervalMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [load, intervalMs, round]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { value, error, reload };
}
