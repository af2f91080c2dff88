'use client';

import type { RunDay } from '@/features/runs/runs.documents';
import { formatOffset } from '@/features/runs/timeline';
import { useI18n } from '@/i18n/i18n-provider';
import styles from './charts.module.css';
import { niceScale } from './scale';

/** Stack order, bottom first; each has its status colour, icon-less legend text and a table twin. */
const SERIES = [
  { key: 'succeeded', phase: 'SUCCEEDED' },
  { key: 'failed', phase: 'FAILED' },
  { key: 'cancelled', phase: 'CANCELLED' },
  { key: 'running', phase: 'RUNNING' },
  { key: 'waiting', phase: 'WAITING' },
  { key: 'pending', phase: 'PENDING' },
] as const;

const W = 560;
const H = 180;
const PAD = { top: 8, right: 8, bottom: 22, left: 32 };

function shortDate(date: string, locale: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** The horizontal grid lines, each with its value on the left axis. */
function ValueGrid({
  ticks,
  y,
  label,
}: {
  ticks: readonly number[];
  y: (value: number) => number;
  label: (tick: number) => string;
}) {
  return ticks.map((tick) => (
    <g key={tick}>
      <line x1={PAD.left} x2={W - PAD.right} y1={y(tick)} y2={y(tick)} className={styles.grid} />
      <text x={PAD.left - 6} y={y(tick)} className={styles.axisLabel} textAnchor="end" dominantBaseline="middle">
        {label(tick)}
      </text>
    </g>
  ));
}

/** A day on the time axis, centred under its bar or point. */
function DayLabel({ x, date }: { x: number; date: string }) {
  const { locale } = useI18n();
  return (
    <text x={x} y={H - 6} className={styles.axisLabel} textAnchor="middle">
      {shortDate(date, locale)}
    </text>
  );
}

/** Said across the middle of a plot with nothing to draw. */
function NoRunsLabel({ plotW, plotH }: { plotW: number; plotH: number }) {
  const { t } = useI18n();
  return (
    <text x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} className={styles.emptyLabel} textAnchor="middle">
      {t('overview.charts.noRuns')}
    </text>
  );
}

/** Runs per day, stacked by phase (inline SVG, no chart library). */
export function RunsPerDayChart({ days }: { days: RunDay[] }) {
  const { t, locale } = useI18n();
  const { top, ticks } = niceScale(Math.max(4, ...days.map((d) => d.total)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(4, Math.min(28, slot * 0.62));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.ceil(days.length / 7);
  const isEmpty = days.every((d) => d.total === 0);

  return (
    <figure className={styles.figure}>
      <svg viewBox={`0 0 ${W} ${H}`} className={styles.svg} role="img" aria-label={t('overview.charts.runsPerDay')}>
        <ValueGrid ticks={ticks} y={y} label={String} />
        {days.map((day, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          let base = 0;
          return (
            <g key={day.date}>
              <title>
                {[
                  t('overview.charts.dayTotal', { date: shortDate(day.date, locale), total: day.total }),
                  ...SERIES.filter((s) => day[s.key] > 0).map((s) => `${t(`phase.${s.phase}`)}: ${day[s.key]}`),
                ].join('\n')}
              </title>
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={plotH} fill="transparent" />
              {SERIES.map((s) => {
                const value = day[s.key];
                if (!value) return null;
                const y0 = y(base);
                base += value;
                const y1 = y(base);
                return (
                  <rect
                    key={s.key}
                    x={x}
                    y={y1}
                    width={barW}
                    height={Math.max(1, y0 - y1)}
                    className={styles.bar}
                    data-phase={s.phase}
                  />
                );
              })}
              {(days.length - 1 - i) % labelEvery === 0 ? <DayLabel x={x + barW / 2} date={day.date} /> : null}
            </g>
          );
        })}
        {isEmpty ? <NoRunsLabel plotW={plotW} plotH={plotH} /> : null}
      </svg>
      <figcaption className={styles.legend}>
        {SERIES.map((s) => (
          <span key={s.key} className={styles.legendItem}>
            <span className={styles.swatch} data-phase={s.phase} aria-hidden="true" />
            {t(`phase.${s.phase}`)}
          </span>
        ))}
      </figcaption>
      <table className="visually-hidden">
        <caption>{t('overview.charts.runsPerDay')}</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            {SERIES.map((s) => (
              <th key={s.key} scope="col">
                {t(`phase.${s.phase}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{day.date}</th>
              {SERIES.map((s) => (
                <td key={s.key}>{day[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Mean (line) and longest (dots) duration of successful runs per day. */
export function DurationTrendChart({ days }: { days: RunDay[] }) {
  const { t, locale } = useI18n();
  const values = days.flatMap((d) => [d.averageDurationSeconds ?? 0, d.maxDurationSeconds ?? 0]);
  const { top, ticks } = niceScale(Math.max(0, ...values));
  const plotW = W - PAD.left - PAD.right - 8;
  const plotH = H - PAD.top - PAD.bottom;
  const left = PAD.left + 12;
  const x = (i: number) => left + (days.length <= 1 ? plotW / 2 : (i / (days.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.ceil(days.length / 7);
  // Break the line on days without successful runs.
  const segments: string[] = [];
  let current = '';
  days.forEach((d, i) => {
    if (d.averageDurationSeconds == null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(d.averageDurationSeconds).toFixed(1)}`;
  });
  if (current) segments.push(current);
  const isEmpty = days.every((d) => d.averageDurationSeconds == null);

  return (
    <figure className={styles.figure}>
      <svg viewBox={`0 0 ${W} ${H}`} className={styles.svg} role="img" aria-label={t('overview.charts.duration')}>
        <ValueGrid ticks={ticks} y={y} label={(tick) => formatOffset(tick * 1000)} />
        {segments.map((d) => (
          <path key={d} d={d} className={styles.line} />
        ))}
        {days.map((day, i) => (
          <g key={day.date}>
            {day.maxDurationSeconds != null ? (
              <circle cx={x(i)} cy={y(day.maxDurationSeconds)} r={3} className={styles.maxDot}>
                <title>{`${shortDate(day.date, locale)} · ${t('overview.charts.longest')}: ${formatOffset(day.maxDurationSeconds * 1000)}`}</title>
              </circle>
            ) : null}
            {day.averageDurationSeconds != null ? (
              <circle cx={x(i)} cy={y(day.averageDurationSeconds)} r={3.5} className={styles.meanDot}>
                <title>{`${shortDate(day.date, locale)} · ${t('overview.charts.mean')}: ${formatOffset(day.averageDurationSeconds * 1000)}`}</title>
              </circle>
            ) : null}
            {(days.length - 1 - i) % labelEvery === 0 ? <DayLabel x={x(i)} date={day.date} /> : null}
          </g>
        ))}
        {isEmpty ? <NoRunsLabel plotW={plotW} plotH={plotH} /> : null}
      </svg>
      <figcaption className={styles.legend}>
        <span className={styles.legendItem}>
          <span className={styles.lineSwatch} aria-hidden="true" />
          {t('overview.charts.mean')}
        </span>
        <span className={styles.legendItem}>
          <span className={styles.dotSwatch} aria-hidden="true" />
          {t('overview.charts.longest')}
        </span>
      </figcaption>
    </figure>
  );
}
