'use client';

import { useCallback, useSyncExternalStore } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonText } from '@/components/ui/skeleton';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useT } from '@/i18n/i18n-provider';
import { useCurrentTenant } from '@/lib/current-tenant';
import { ApiTokensPanel } from './api-tokens-panel';
import { AuditLogPanel } from './audit-log-panel';
import { type TabItem, Tabs } from './form-controls';
import { MembersPanel } from './members-panel';
import { canAdminister } from './roles';

type SettingsTab = 'members' | 'tokens' | 'audit';

/** User menu → Settings: the tenant's members, your API tokens and (admins) the audit log. */
export function SettingsView() {
  const t = useT();
  return (
    <>
      <PageHeader
        title={t('settings.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('settings.description')}
      />
      <TenantRequired>{(tenant) => <SettingsTabs tenant={tenant} />}</TenantRequired>
    </>
  );
}

function SettingsTabs({ tenant }: { tenant: string }) {
  const t = useT();
  const { tenants, isLoading } = useCurrentTenant();
  const [selected, setSelected] = useTabFromHash();
  const myRole = tenants.find((entry) => entry.name === tenant)?.myRole ?? null;
  const isAdmin = canAdminister(myRole);
  const items: TabItem<SettingsTab>[] = [
    { id: 'members', label: t('settings.tabs.members') },
    { id: 'tokens', label: t('settings.tabs.tokens') },
    ...(isAdmin ? [{ id: 'audit' as const, label: t('settings.tabs.audit') }] : []),
  ];
  const current = items.find((item) => item.id === selected)?.id ?? 'members';
  if (isLoading) return <SkeletonText lines={4} />;
  return (
    <>
      <Tabs
        label={t('settings.tabs.label')}
        items={items}
        selected={current}
        onSelect={setSelected}
        idPrefix="settings"
      />
      <div role="tabpanel" id={`settings-panel-${current}`} aria-labelledby={`settings-tab-${current}`} tabIndex={-1}>
        {current === 'members' ? <MembersPanel tenant={tenant} /> : null}
        {current === 'tokens' ? <ApiTokensPanel /> : null}
        {current === 'audit' ? <AuditLogPanel tenant={tenant} /> : null}
      </div>
    </>
  );
}

const TABS: readonly SettingsTab[] = ['members', 'tokens', 'audit'];

function subscribeHash(onChange: () => void) {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The open tab lives in the URL hash (`/settings#tokens`): linkable, and kept on reload. */
function useTabFromHash(): [SettingsTab, (tab: SettingsTab) => void] {
  const hash = useSyncExternalStore(
    subscribeHash,
    () => window.location.hash.slice(1),
    () => '',
  );
  const tab = (TABS as readonly string[]).includes(hash) ? (hash as SettingsTab) : 'members';
  const select = useCallback((next: SettingsTab) => {
    window.history.replaceState(window.history.state, '', `#${next}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }, []);
  return [tab, select];
}
