/**
 * One form submission at a time, and the state every form shows about it: a second submit while
 * the first is in flight is ignored (a double click sends one request), `pending` disables the
 * button, `error` is the API's readable message, `done` a short progress or result line.
 */
import { useRef, useState } from 'preact/hooks';
import { errorMessage } from './api.ts';

export function useSubmit() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const busy = useRef(false);

  /** Runs `work` unless a submission is in flight; the string it returns (if any) becomes `done`. */
  const submit = async (work: () => Promise<string | void>, progress: string | null = null): Promise<void> => {
    if (busy.current) return;
    busy.current = true;
    setPending(true);
    setError(null);
    setDone(progress);
    try {
      setDone((await work()) ?? null);
    } catch (err) {
      setError(errorMessage(err));
      setDone(null);
    } finally {
      busy.current = false;
      setPending(false);
    }
  };
  return { pending, error, done, setError, submit };
}
