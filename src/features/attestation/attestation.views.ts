import type { ContactType } from '../../platform/db/schema.js';
import type { RequestState } from '../../platform/db/schema.attestation.js';

const states: RequestState[] = ['pending', 'confirmed', 'declined', 'expired', 'withdrawn'];

export function campaignView(
  c: {
    id: string;
    tenant_id: string;
    types: ContactType[];
    older_than_days: number | null;
    created_by_type: string;
    created_by_id: string | null;
    expires_at: Date;
    created_at: Date;
  },
  counts: { campaign_id: string; state: RequestState; n: number | string | bigint }[],
) {
  const mine = counts.filter((row) => row.campaign_id === c.id);
  const byState = Object.fromEntries(
    states.map((state) => [state, Number(mine.find((row) => row.state === state)?.n ?? 0)]),
  ) as Record<RequestState, number>;
  return {
    id: c.id,
    scope_tenant_id: c.tenant_id,
    types: c.types,
    older_than_days: c.older_than_days,
    created_by: { type: c.created_by_type, id: c.created_by_id },
    created_at: c.created_at.toISOString(),
    expires_at: c.expires_at.toISOString(),
    counts: { ...byState, total: Object.values(byState).reduce((a, b) => a + b, 0) },
  };
}

export function questionView(r: {
  state: RequestState;
  types: ContactType[];
  tenant_name: string;
  expires_at: Date;
  answered_at: Date | null;
}) {
  const open = r.state === 'pending' && r.expires_at > new Date();
  return {
    state: r.state === 'pending' && !open ? ('expired' as const) : r.state,
    tenant_name: r.tenant_name,
    types: r.types,
    expires_at: r.expires_at.toISOString(),
  };
}

export function scheduleView(s: {
  tenant_id: string;
  types: ContactType[];
  older_than_days: number | null;
  next_run_at: Date;
  updated_at: Date;
}) {
  return {
    tenant_id: s.tenant_id,
    types: s.types,
    older_than_days: s.older_than_days,
    next_run_at: s.next_run_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}
