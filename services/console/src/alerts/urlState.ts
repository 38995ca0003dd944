import { useSearchParams } from 'react-router';

/**
 * The page's state in the address (filters, cursor, open tab, open rule), so every view is a link
 * to share. `set` changes some parameters and starts again at the first page unless told not to.
 */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string | null>, keepCursor = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!keepCursor) next.delete('cursor');
    setParams(next);
  };
  const get = (name: string): string | null => params.get(name) || null;
  return { params, get, set, replace: (next: Record<string, string>) => setParams(new URLSearchParams(next)) };
}
