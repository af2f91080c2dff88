'use client';

import { memo } from 'react';
import { PhaseIcon } from '@/components/ui/phase-icon';
import { useT } from '@/i18n/i18n-provider';
import type { StageRun } from './runs.documents';
import styles from './runs.module.css';
import { computeTimeline, formatOffset } from './timeline';

/** Gantt of stage durations; each row opens the stage (keyboard reachable). */
export const RunTimeline = memo(function RunTimeline({
  stages,
  now,
  selected,
  onSelect,
}: {
  stages: StageRun[];
  now: number;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const t = useT();
  const timeline = computeTimeline(stages, now);
  return (
    <div className={styles.timeline}>
      <div className={styles.timelineAxis} aria-hidden="true">
        <span />
        <div className={styles.timelineTicks}>
          {timeline.ticks.map((tick) => (
            <span key={tick.at} style={{ left: `${tick.at * 100}%` }}>
              {tick.label}
            </span>
          ))}
        </div>
      </div>
      <ol className={styles.timelineRows} aria-label={t('runs.timeline.title')}>
        {timeline.bars.map((bar) => (
          <li key={bar.name}>
            <button
              type="button"
              className={styles.timelineRow}
              aria-current={selected === bar.name ? 'true' : undefined}
              onClick={() => onSelect(bar.name)}
              aria-label={t('runs.timeline.rowLabel', {
                stage: bar.name,
                phase: t(`phase.${bar.phase as 'PENDING'}`),
                duration: bar.durationMs == null ? t('runs.notStarted') : formatOffset(bar.durationMs),
              })}
            >
              <span className={styles.timelineName}>
                <span className={styles.phaseText} data-phase={bar.phase}>
                  <PhaseIcon phase={bar.phase as 'PENDING'} size={12} />
                </span>
                {bar.name}
              </span>
              <span className={styles.timelineTrack}>
                {bar.start != null && bar.width != null ? (
                  <span
                    className={styles.timelineBar}
                    data-phase={bar.phase}
                    style={{ left: `${bar.start * 100}%`, width: `max(3px, ${bar.width * 100}%)` }}
                  />
                ) : null}
              </span>
              <span className={styles.timelineDuration}>
                {bar.durationMs == null ? '—' : formatOffset(bar.durationMs)}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
});
