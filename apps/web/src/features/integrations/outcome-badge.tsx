'use client';

import { PhaseIcon } from '@/components/ui/phase-icon';
import badgeStyles from '@/components/ui/status-badge.module.css';
import { useT } from '@/i18n/i18n-provider';
import type { WebhookOutcome } from './integration-detail.documents';
import { OUTCOME_PHASE } from './webhook-deliveries';

/** A delivery's outcome as icon + text in the status palette (colour is never the only signal). */
export function OutcomeBadge({ outcome }: { outcome: WebhookOutcome }) {
  const t = useT();
  const phase = OUTCOME_PHASE[outcome];
  return (
    <span className={badgeStyles.badge} data-phase={phase} data-size="sm">
      <PhaseIcon phase={phase} size={12} />
      <span>{t(`deliveries.outcome.${outcome}`)}</span>
    </span>
  );
}
