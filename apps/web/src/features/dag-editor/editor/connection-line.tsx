'use client';

import { type ConnectionLineComponentProps, getBezierPath } from '@xyflow/react';
import { createContext, useContext } from 'react';
import type { ConnectRefusal } from '../model/operations';
import styles from './editor.module.css';

/** Tells the connection line why the hovered connection is refused. */
export const RefusalContext = createContext<(source: string, target: string) => ConnectRefusal | undefined>(
  () => undefined,
);

/** The line drawn while connecting: red with the reason when the connection is refused. */
export function ConnectionLine({
  fromX,
  fromY,
  toX,
  toY,
  fromPosition,
  toPosition,
  fromNode,
  fromHandle,
  toNode,
  connectionStatus,
}: ConnectionLineComponentProps) {
  const explain = useContext(RefusalContext);
  const [path] = getBezierPath({
    sourceX: fromX,
    sourceY: fromY,
    sourcePosition: fromPosition,
    targetX: toX,
    targetY: toY,
    targetPosition: toPosition,
  });
  const isRefused = connectionStatus === 'invalid';
  let reason: string | undefined;
  if (isRefused && toNode) {
    const [source, target] = fromHandle.type === 'source' ? [fromNode.id, toNode.id] : [toNode.id, fromNode.id];
    reason = explain(source, target)?.message;
  }
  return (
    <g>
      <path d={path} fill="none" className={isRefused ? styles.lineRefused : styles.line} />
      {reason ? (
        <foreignObject x={toX + 12} y={toY + 12} width={280} height={80} style={{ overflow: 'visible' }}>
          <div className={styles.lineTooltip} role="tooltip">
            {reason}
          </div>
        </foreignObject>
      ) : null}
    </g>
  );
}
