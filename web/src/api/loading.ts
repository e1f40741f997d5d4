import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ok, type Schemas } from './client';

export type Tenant = Schemas['Tenant'];

/** Tenants by id, at most 100 a call, in the order of `ids` (ids not visible are left out). */
export async function loadTenants(ids: string[], { counts = false } = {}): Promise<Tenant[]> {
  const found = new Map<string, Tenant>();
  for (let i = 0; i < ids.length; i += 100) {
    const uuids = ids.slice(i, i + 100).join(',');
    const query = counts ? { uuids, with_contact_counts: true } : { uuids };
    const page = await ok(api.GET('/api/2/tenants', { params: { query } }));
    // Without lod the items come whole (lod=full): the shape of the full tenant.
    for (const tenant of page.items as Tenant[]) found.set(tenant.id, tenant);
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (the latest answer wins) and keeps its data or error. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    latest.current().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** Calls `tick` every `ms` while `active` (a notice is still being sent). */
export function usePolling(tick: () => void, active: boolean, ms = 1500) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
}

/** A paged list read with "show more": the items so far and the cursor of the next page. */
export function usePaged<T>(
  read: (after?: string) => Promise<{ items: T[]; paging?: { cursors?: { after?: string } } }>,
  deps: unknown[],
) {
  const [state, setState] = useState<{ items: T[]; after?: string; error?: unknown; loading: boolean }>({
    items: [],
    loading: true,
  });
  const latest = useRef(read);
  latest.current = read;
  const generation = useRef(0);
  const fetchPage = useCallback((after: string | undefined, replace: boolean) => {
    const mine = replace ? ++generation.current : generation.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    latest.current(after).then(
      (page) =>
        mine === generation.current &&
        setState((s) => ({
          items: replace ? page.items : [...s.items, ...page.items],
          after: page.items.length ? page.paging?.cursors?.after : undefined,
          loading: false,
        })),
      (error: unknown) => mine === generation.current && setState((s) => ({ ...s, error, loading: false })),
    );
  }, []);
  useEffect(() => fetchPage(undefined, true), deps);
  return { ...state, more: () => fetchPage(state.after, false), reload: () => fetchPage(undefined, true) };
}

/** Where a tenant is configured: one's own on My company, a client on its Configure page. */
export const tenantLink = (id: string, ownId: string | undefined) => (id === ownId ? '/my-company' : `/clients/${id}`);
