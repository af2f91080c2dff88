'use client';

import { graphql } from '@cyclone/api-contract';
import { skipToken, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useI18n } from '@/i18n/i18n-provider';
import { onConnectionChange } from '@/lib/graphql/ws-client';
import { queryKeys } from '@/lib/query-keys';
import { useSubscriptionToCache } from '@/lib/subscription-cache';
import styles from './shell.module.css';

const HEARTBEAT_SECONDS = 15;

const HeartbeatDocument = graphql(`
  subscription Heartbeat($intervalSeconds: Int!) {
    heartbeat(intervalSeconds: $intervalSeconds)
  }
`);

type LiveState = 'connecting' | 'connected' | 'offline';

/**
 * The state of the live (graphql-ws) connection, kept open by a heartbeat subscription
 * whose events flow through the subscription → cache bridge like every live update.
 */
export function LiveStatus() {
  const { t, locale } = useI18n();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => onConnectionChange((event) => setState(event === 'connected' ? 'connected' : 'offline')), []);

  useSubscriptionToCache({
    document: HeartbeatDocument,
    variables: { intervalSeconds: HEARTBEAT_SECONDS },
    queryKey: queryKeys.system.heartbeat,
    update: (_previous: string | undefined, event) => event.heartbeat,
    onError: () => setState('offline'),
  });
  const { data: lastBeat } = useQuery<string>({ queryKey: queryKeys.system.heartbeat, queryFn: skipToken });

  // A heartbeat is proof of a working connection (also when it was opened before this mounted).
  useEffect(() => {
    if (lastBeat) setState('connected');
  }, [lastBeat]);

  const shown: LiveState = state === 'connected' && !lastBeat ? 'connecting' : state;
  const time = lastBeat ? new Date(lastBeat).toLocaleTimeString(locale) : '';
  const hint =
    shown === 'connected' ? t('live.connectedHint', { time }) : shown === 'offline' ? t('live.offlineHint') : undefined;

  return (
    <p className={styles.live} data-state={shown} title={hint} role="status">
      <span className={styles.liveDot} aria-hidden="true" />
      {t(`live.${shown}`)}
    </p>
  );
}
