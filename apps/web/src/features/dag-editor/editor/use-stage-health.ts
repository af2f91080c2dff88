'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useT } from '@/i18n/i18n-provider';
import { type HealthLabel, healthLabel } from '../nodes/stage-health';
import { stageHealthQuery } from './editor-queries';

/** Stage name → its health label, while shown for a saved workflow; undefined otherwise. */
export function useStageHealthLabels(
  tenant: string,
  project: string,
  workflow: string | undefined,
  isShown: boolean,
): ReadonlyMap<string, HealthLabel> | undefined {
  const t = useT();
  const query = useQuery({
    ...stageHealthQuery(tenant, project, workflow ?? ''),
    enabled: isShown && Boolean(workflow),
  });
  const stages = query.data?.workflow?.stageHealth;
  return useMemo(
    () => (isShown && stages ? new Map(stages.map((health) => [health.stage, healthLabel(health, t)])) : undefined),
    [isShown, stages, t],
  );
}
