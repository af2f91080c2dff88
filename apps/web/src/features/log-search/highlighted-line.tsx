import { matchRanges } from '@cyclone/domain/core';
import { stripAnsi } from '@/features/runs/ansi';
import styles from './log-search.module.css';

/** A stored line without its ANSI codes, each occurrence of a search term marked. */
export function HighlightedLine({ text, terms }: { text: string; terms: readonly string[] }) {
  const plain = stripAnsi(text);
  const parts: { text: string; isMatch: boolean; at: number }[] = [];
  let at = 0;
  for (const [start, end] of matchRanges(plain, terms)) {
    if (start > at) parts.push({ text: plain.slice(at, start), isMatch: false, at });
    parts.push({ text: plain.slice(start, end), isMatch: true, at: start });
    at = end;
  }
  if (at < plain.length) parts.push({ text: plain.slice(at), isMatch: false, at });
  return (
    <span className={styles.line}>
      {parts.map((part) =>
        part.isMatch ? (
          <mark key={part.at} className={styles.match}>
            {part.text}
          </mark>
        ) : (
          <span key={part.at}>{part.text}</span>
        ),
      )}
    </span>
  );
}
