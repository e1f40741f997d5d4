import { useEffect, useState } from 'react';

/** `value` once it has stayed the same for `ms` (typing in a search box asks the server once, not per key). */
export function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
