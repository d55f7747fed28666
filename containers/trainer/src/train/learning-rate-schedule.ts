// Learning rate at each optimizer step: linear warmup, then cosine decay to a floor.

export interface ScheduleSettings {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  /** Fraction of the peak reached at the end. Default 0.1. */
  floorFraction?: number;
}

/** `step` counts from 0; step 0 of a warmup already trains (at peak / warmupSteps). */
export function learningRateAt(step: number, settings: ScheduleSettings): number {
  const floor = settings.peak * (settings.floorFraction ?? 0.1);
  if (settings.warmupSteps > 0 && step < settings.warmupSteps) return (settings.peak * (step + 1)) / settings.warmupSteps;
  const decaySteps = Math.max(1, settings.totalSteps - settings.warmupSteps);
  const progress = Math.min(1, (step - settings.warmupSteps) / decaySteps);
  return floor + 0.5 * (settings.peak - floor) * (1 + Math.cos(Math.PI * progress));
}
