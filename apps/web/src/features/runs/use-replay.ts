'use client';

import { useCallback, useEffect, useState } from 'react';
import type { ReplaySpeed } from './replay';

export interface Replay {
  isOn: boolean;
  isPlaying: boolean;
  speed: ReplaySpeed;
  /** Milliseconds since the span's start. */
  position: number;
  /** The replayed moment (ms since epoch) while on. */
  at: number | undefined;
  duration: number;
  start: () => void;
  stop: () => void;
  togglePlaying: () => void;
  seek: (position: number) => void;
  setSpeed: (speed: ReplaySpeed) => void;
}

/**
 * A player over a finished run's span: plays at `speed` times real time on animation
 * frames, pauses at the end, and can be scrubbed. Nothing is fetched: the caller derives
 * what the run looked like at `at` from stored times.
 */
export function useReplay(span: { start: number; end: number } | null): Replay {
  const [isOn, setOn] = useState(false);
  const [isPlaying, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<ReplaySpeed>(10);
  const [position, setPosition] = useState(0);
  const duration = span ? span.end - span.start : 0;

  useEffect(() => {
    if (!isOn || !isPlaying) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      const elapsed = (now - last) * speed;
      last = now;
      setPosition((current) => Math.min(duration, current + elapsed));
      frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [isOn, isPlaying, speed, duration]);

  // At the end the player stops, ready to play again from the start.
  useEffect(() => {
    if (isPlaying && position >= duration) setPlaying(false);
  }, [isPlaying, position, duration]);

  const start = useCallback(() => {
    setOn(true);
    setPosition(0);
    setPlaying(true);
  }, []);
  const stop = useCallback(() => {
    setOn(false);
    setPlaying(false);
  }, []);
  const togglePlaying = useCallback(() => {
    setPlaying((playing) => {
      if (!playing) setPosition((current) => (current >= duration ? 0 : current));
      return !playing;
    });
  }, [duration]);
  const seek = useCallback((next: number) => setPosition(Math.max(0, Math.min(duration, next))), [duration]);

  return {
    isOn: isOn && span !== null,
    isPlaying,
    speed,
    position,
    at: isOn && span ? span.start + position : undefined,
    duration,
    start,
    stop,
    togglePlaying,
    seek,
    setSpeed,
  };
}
