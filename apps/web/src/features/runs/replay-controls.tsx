'use client';

import { Button } from '@/components/ui/button';
import { useT } from '@/i18n/i18n-provider';
import { clockText, REPLAY_SPEEDS, type ReplaySpeed } from './replay';
import styles from './runs.module.css';
import type { Replay } from './use-replay';

const SCRUB_STEP_MS = 100;

/** Play/pause, a scrubber over the run's span, the replayed time and the speed. */
export function ReplayControls({ replay }: { replay: Replay }) {
  const t = useT();
  return (
    <fieldset className={styles.replayBar} aria-label={t('runs.replay.label')}>
      <Button size="sm" onClick={replay.togglePlaying}>
        {replay.isPlaying ? t('runs.replay.pause') : t('runs.replay.play')}
      </Button>
      {/* In steps of SCRUB_STEP_MS, the value always a whole step (a value between steps would
          be snapped by the browser and read back as another moment). */}
      <input
        type="range"
        className={styles.replayScrubber}
        aria-label={t('runs.replay.position')}
        aria-valuetext={clockText(replay.position)}
        min={0}
        max={Math.ceil(replay.duration / SCRUB_STEP_MS)}
        step={1}
        value={Math.ceil(replay.position / SCRUB_STEP_MS)}
        onChange={(event) => replay.seek(Number(event.target.value) * SCRUB_STEP_MS)}
      />
      <span className={styles.replayClock} data-testid="replay-clock">
        {clockText(replay.position)} / {clockText(replay.duration)}
      </span>
      <select
        aria-label={t('runs.replay.speed')}
        value={replay.speed}
        onChange={(event) => replay.setSpeed(Number(event.target.value) as ReplaySpeed)}
      >
        {REPLAY_SPEEDS.map((speed) => (
          <option key={speed} value={speed}>
            {speed}×
          </option>
        ))}
      </select>
      <Button size="sm" variant="ghost" onClick={replay.stop}>
        {t('runs.replay.close')}
      </Button>
    </fieldset>
  );
}
