import { type RunVolume, runVolumesSchema } from '@cyclone/domain';

/** A run's stored volumes (checked when the run was made); a row from before them has none. */
export function storedRunVolumes(stored: unknown): RunVolume[] {
  const parsed = runVolumesSchema.safeParse(stored ?? []);
  return parsed.success ? parsed.data : [];
}
