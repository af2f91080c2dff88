'use client';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { emptyVolumeRow, type VolumeContainers, type VolumeRow, type VolumeType } from './run-presets';
import styles from './runs.module.css';

const TYPES: VolumeType[] = ['PVC', 'SECRET', 'CONFIG_MAP'];
const CONTAINERS: VolumeContainers[] = ['WORKLOAD', 'SIDECAR', 'ALL'];

/** The Run dialog's Kubernetes part: the pods' service account and the volumes they mount. */
export function RunPresetsFields({
  serviceAccount,
  onServiceAccount,
  volumes,
  onVolumes,
}: {
  serviceAccount: string;
  onServiceAccount: (value: string) => void;
  volumes: VolumeRow[];
  onVolumes: (rows: VolumeRow[]) => void;
}) {
  const t = useT();
  const change = (index: number, patch: Partial<VolumeRow>) =>
    onVolumes(volumes.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <details className={styles.fieldset} open={Boolean(serviceAccount) || volumes.length > 0}>
      <summary>{t('runs.start.kubernetes')}</summary>
      <p className={styles.muted}>{t('runs.start.kubernetesHint')}</p>
      <TextField
        label={t('runs.start.serviceAccount')}
        hint={t('runs.start.serviceAccountHint')}
        value={serviceAccount}
        onChange={(event) => onServiceAccount(event.target.value)}
        placeholder="builder"
      />
      {volumes.map((row, index) => (
        <fieldset
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own.
          key={index}
          className={styles.volumeRow}
          aria-label={t('runs.start.volume', { number: index + 1 })}
        >
          <label className={styles.volumeField}>
            {t('runs.start.volumeType')}
            <select value={row.type} onChange={(event) => change(index, { type: event.target.value as VolumeType })}>
              {TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          <TextField
            label={t('runs.start.volumeObject')}
            value={row.objectName}
            onChange={(event) => change(index, { objectName: event.target.value })}
          />
          <TextField
            label={t('runs.start.volumePath')}
            value={row.path}
            onChange={(event) => change(index, { path: event.target.value })}
          />
          <TextField
            label={t('runs.start.volumeMountPath')}
            value={row.mountPath}
            onChange={(event) => change(index, { mountPath: event.target.value })}
          />
          <label className={styles.volumeField}>
            {t('runs.start.volumeContainers')}
            <select
              value={row.containers}
              onChange={(event) => change(index, { containers: event.target.value as VolumeContainers })}
            >
              {CONTAINERS.map((group) => (
                <option key={group} value={group}>
                  {t(`runs.start.containers.${group}`)}
                </option>
              ))}
            </select>
          </label>
          <Button size="sm" variant="ghost" onClick={() => onVolumes(volumes.filter((_, i) => i !== index))}>
            {t('runs.start.volumeRemove')}
          </Button>
        </fieldset>
      ))}
      <Button size="sm" onClick={() => onVolumes([...volumes, emptyVolumeRow()])}>
        {t('runs.start.volumeAdd')}
      </Button>
    </details>
  );
}
