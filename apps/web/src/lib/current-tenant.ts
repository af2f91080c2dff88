'use client';

import { graphql, type ResultOf } from '@cyclone/api-contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { request } from './graphql/client';
import { queryKeys } from './query-keys';

/**
 * The tenant the UI works in: the one picked in the tenant switcher (kept in localStorage,
 * per browser), or else the first tenant you are a member of.
 */
const STORAGE_KEY = 'cyclone.tenant';
const CHANGE_EVENT = 'cyclone:tenant-change';

const TenantsDocument = graphql(`
  query Tenants {
    tenants {
      name
      description
      myRole
    }
  }
`);
export type TenantSummary = ResultOf<typeof TenantsDocument>['tenants'][number];

export const tenantsQuery = () =>
  queryOptions({
    queryKey: queryKeys.tenants.all,
    queryFn: ({ signal }) => request(TenantsDocument, undefined, { signal }),
  });

export function useTenants() {
  return useQuery({ ...tenantsQuery(), select: (data) => data.tenants });
}

/** The tenant picked in the switcher on this browser, if any (it may no longer be yours). */
export function readChoice(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function subscribeChoice(onChange: () => void): () => void {
  window.addEventListener(CHANGE_EVENT, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    window.removeEventListener(CHANGE_EVENT, onChange);
    window.removeEventListener('storage', onChange);
  };
}

export function setCurrentTenant(name: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // storage disabled: the choice lasts until reload
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export interface CurrentTenant {
  /** The tenant name, once known; undefined while loading or when you have none. */
  tenant: string | undefined;
  tenants: TenantSummary[];
  isLoading: boolean;
  error: unknown;
  refetch: () => void;
  setTenant: (name: string) => void;
}

export function useCurrentTenant(): CurrentTenant {
  const query = useTenants();
  const choice = useSyncExternalStore(subscribeChoice, readChoice, () => null);
  const tenants = query.data ?? [];
  const tenant = tenants.find((t) => t.name === choice)?.name ?? tenants[0]?.name;
  const refetch = useCallback(() => void query.refetch(), [query]);
  return { tenant, tenants, isLoading: query.isLoading, error: query.error, refetch, setTenant: setCurrentTenant };
}
