'use client';

import { StoredLogsDocument } from '@cyclone/api-contract';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { type AnsiSegment, parseAnsi, stripAnsi } from './ansi';
import { findMatches, type LogLine, stepMatch } from './log-buffer';
import styles from './log-viewer.module.css';
import type { LogStreamState } from './use-stage-logs';

const ROW_HEIGHT = 20;
const PAGE = 5000;

function segmentStyle(segment: AnsiSegment): CSSProperties | undefined {
  const { fg, bg, bold, dim, italic, underline, inverse } = segment.style;
  if (!fg && !bg && !bold && !dim && !italic && !underline && !inverse) return undefined;
  const colour = (c: string | undefined) => (c ? (c.startsWith('#') ? c : `var(--ansi-${c})`) : undefined);
  const [f, b] = inverse ? [bg ?? 'p0', fg ?? 'p7'] : [fg, bg];
  return {
    color: colour(f),
    backgroundColor: colour(b),
    fontWeight: bold ? 700 : undefined,
    opacity: dim ? 0.7 : undefined,
    fontStyle: italic ? 'italic' : undefined,
    textDecoration: underline ? 'underline' : undefined,
  };
}

const Row = memo(function Row({
  line,
  isMatch,
  isCurrent,
  isLinked,
  stderrLabel,
  locale,
}: {
  line: LogLine;
  isMatch: boolean;
  isCurrent: boolean;
  /** The line a link pointed at (`?line=n`). */
  isLinked: boolean;
  stderrLabel: string;
  locale: string;
}) {
  const segments = useMemo(() => parseAnsi(line.line), [line.line]);
  const time = new Date(line.timestamp);
  return (
    <div
      className={styles.row}
      data-stream={line.stream}
      data-match={isMatch ? (isCurrent ? 'current' : 'yes') : undefined}
      data-seq={line.seq}
      data-linked={isLinked ? 'true' : undefined}
      aria-current={isLinked ? 'true' : undefined}
      title={`${time.toLocaleString(locale)}.${String(time.getMilliseconds()).padStart(3, '0')}`}
    >
      <span className={styles.number} aria-hidden="true">
        {line.seq}
      </span>
      <span className={styles.marker}>
        {line.stream === 'STDERR' ? <span title={stderrLabel}>{stderrLabel}</span> : null}
      </span>
      <span className={styles.text}>
        {segments.map((segment, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one immutable line
          <span key={i} style={segmentStyle(segment)}>
            {segment.text}
          </span>
        ))}
      </span>
    </div>
  );
});

export interface LogViewerProps {
  runId: string;
  stage: string;
  lines: readonly LogLine[];
  version: number;
  state: LogStreamState;
  /** A line (seq) to scroll to and mark as soon as it has arrived; following stays off. */
  focusSeq?: number;
}

/** A stage log: virtualized lines, follow, search with next/previous, ANSI colours, download. */
export function LogViewer({ runId, stage, lines, version, state, focusSeq }: LogViewerProps) {
  const { t, locale } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [isFollowing, setFollowing] = useState(focusSeq === undefined);
  const [pendingFocus, setPendingFocus] = useState(focusSeq);
  const [linkedSeq, setLinkedSeq] = useState<number>();
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(-1);
  const [isDownloading, setDownloading] = useState(false);
  const lastTop = useRef(0);

  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: version tells that lines changed in place.
  const matches = useMemo(() => findMatches(lines, query, stripAnsi), [lines, query, version]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const currentLine = current >= 0 ? matches[current] : undefined;

  // A new query starts before the first match.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the query changes.
  useEffect(() => setCurrent(-1), [query]);

  // Follow: keep the newest line in view while on.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every new batch of lines.
  useEffect(() => {
    if (isFollowing && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [isFollowing, version, lines.length]);

  // A linked line: scroll to it once it is among the rendered lines. The buffer grows in
  // place between renders, so the index is taken here, with the count this render has.
  const focusIndex = pendingFocus === undefined ? -1 : indexOfSeq(lines, pendingFocus, lines.length);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once the line is rendered.
  useEffect(() => {
    if (focusIndex < 0) return;
    setLinkedSeq(pendingFocus);
    setPendingFocus(undefined);
    virtualizer.scrollToIndex(focusIndex, { align: 'center' });
    scrollRef.current?.focus({ preventScroll: true });
  }, [focusIndex]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    // Scrolling up is the user's doing (follow only ever scrolls down): stop following.
    if (el.scrollTop < lastTop.current - 2 && el.scrollTop + el.clientHeight < el.scrollHeight - ROW_HEIGHT) {
      setFollowing(false);
    }
    lastTop.current = el.scrollTop;
  }, []);

  const go = (direction: 1 | -1) => {
    const next = stepMatch(matches.length, current, direction);
    setCurrent(next);
    const index = matches[next];
    if (index !== undefined) {
      setFollowing(false);
      virtualizer.scrollToIndex(index, { align: 'center' });
    }
  };

  const download = async () => {
    setDownloading(true);
    let all: LogLine[] = [];
    try {
      // The stored log, page by page (it may be longer than what this view holds).
      for (let after = 0; ; ) {
        const data = await request(StoredLogsDocument, {
          id: runId,
          stage,
          afterSeq: after,
        });
        all = all.concat(data.workflowRunLogs);
        if (data.workflowRunLogs.length < PAGE) break;
        after = data.workflowRunLogs[data.workflowRunLogs.length - 1]?.seq ?? after;
      }
    } catch {
      all = [...lines];
    } finally {
      setDownloading(false);
    }
    const text = all.map((l) => `${l.timestamp} ${l.stream === 'STDERR' ? 'E' : 'O'} ${stripAnsi(l.line)}`).join('\n');
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${runId}-${stage}.log`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const searchId = `log-search-${stage}`;
  return (
    <div className={styles.viewer}>
      <div className={styles.toolbar}>
        <label htmlFor={searchId} className="visually-hidden">
          {t('runs.logs.search')}
        </label>
        <input
          id={searchId}
          type="search"
          className={styles.search}
          placeholder={t('runs.logs.search')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              go(event.shiftKey ? -1 : 1);
            }
          }}
        />
        <span className={styles.count} aria-live="polite">
          {query.trim()
            ? t('runs.logs.matches', { current: current >= 0 ? current + 1 : 0, total: matches.length })
            : ''}
        </span>
        <Button size="sm" variant="ghost" onClick={() => go(-1)} disabled={!matches.length}>
          {t('runs.logs.previous')}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => go(1)} disabled={!matches.length}>
          {t('runs.logs.next')}
        </Button>
        <span className={styles.spacer} />
        <Button
          size="sm"
          variant={isFollowing ? 'primary' : 'secondary'}
          aria-pressed={isFollowing}
          onClick={() => setFollowing((on) => !on)}
        >
          {t('runs.logs.follow')}
        </Button>
        <Button size="sm" onClick={download} loading={isDownloading} disabled={!lines.length}>
          {t('runs.logs.download')}
        </Button>
      </div>
      <div
        ref={scrollRef}
        className={styles.scroll}
        onScroll={onScroll}
        role="log"
        aria-label={t('runs.logs.label', { stage })}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls with the keyboard.
        tabIndex={0}
        data-testid="log-lines"
        data-line-count={lines.length}
        data-linked-seq={linkedSeq}
      >
        {lines.length === 0 ? (
          <p className={styles.empty}>
            {state === 'ended'
              ? t('runs.logs.empty')
              : state === 'error'
                ? t('runs.logs.error')
                : t('runs.logs.waiting')}
          </p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const line = lines[item.index] as LogLine;
              return (
                <div
                  key={line.seq}
                  className={styles.slot}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <Row
                    line={line}
                    isMatch={matchSet.has(item.index)}
                    isCurrent={currentLine === item.index}
                    isLinked={line.seq === linkedSeq}
                    stderrLabel={t('runs.logs.stderr')}
                    locale={locale}
                  />
                </div>
              );
            })}
          </div>
        )}
      </div>
      <p className={styles.status} data-state={state} role="status">
        {t(`runs.logs.state.${state}`)} · {t('runs.logs.lines', { count: lines.length })}
      </p>
    </div>
  );
}

/** Where the line with this seq is among the first `count` lines (in seq order), or -1. */
function indexOfSeq(lines: readonly LogLine[], seq: number, count: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (lines[mid] as LogLine).seq;
    if (at === seq) return mid;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
