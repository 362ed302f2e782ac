/** A clock for "5 s ago" labels: re-renders the caller every `intervalMs`. */
import { useEffect, useState } from 'react';

/** The current time in ms, refreshed every `intervalMs` (default 1 s). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
