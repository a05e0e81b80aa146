/**
 * Is a component in a maintenance window at time t? Windows belong to a
 * component or to its whole service, and are one-off (`startsAt`..`endsAt`)
 * or weekly: from `startsAt` on, on each listed weekday (0 = Sunday, UTC) at
 * `startsAt`'s UTC time of day, for `endsAt - startsAt`.
 */
export type MaintenanceWindow = {
  id: string;
  componentId: string | null;
  serviceId: string | null;
  startsAt: Date;
  endsAt: Date;
  recurrence: { weekly: { days: number[] } } | null;
};

const DAY = 86_400_000;

export function windowCovers(w: MaintenanceWindow, t: number): boolean {
  // Rows can arrive with timestamps as strings (e.g. through a JSON path); normalise.
  const start = new Date(w.startsAt).getTime();
  const end = new Date(w.endsAt).getTime();
  const duration = end - start;
  if (t < start || duration <= 0) return false;
  const days = w.recurrence?.weekly?.days;
  if (!days || days.length === 0) return t < end;
  const timeOfDay = ((start % DAY) + DAY) % DAY;
  // Occurrences that start on t's UTC day or on the days before it that a long window could reach from.
  const lookBack = Math.min(7, Math.ceil(duration / DAY));
  const today = Math.floor(t / DAY) * DAY;
  for (let k = 0; k <= lookBack; k++) {
    const occurrence = today - k * DAY + timeOfDay;
    if (occurrence < start || occurrence > t) continue;
    const weekday = (new Date(occurrence).getUTCDay() + 7) % 7;
    if (days.includes(weekday) && t < occurrence + duration) return true;
  }
  return false;
}

/** Windows indexed by what they apply to, for a lookup per check without scanning every window. */
export class MaintenanceIndex {
  private byComponent = new Map<string, MaintenanceWindow[]>();
  private byService = new Map<string, MaintenanceWindow[]>();

  constructor(windows: readonly MaintenanceWindow[] = []) {
    for (const w of windows) {
      if (w.componentId) push(this.byComponent, w.componentId, w);
      if (w.serviceId) push(this.byService, w.serviceId, w);
    }
  }

  get size(): number {
    return this.byComponent.size + this.byService.size;
  }

  covers(componentId: string, serviceId: string, t: number): boolean {
    if (this.byComponent.size === 0 && this.byService.size === 0) return false;
    return some(this.byComponent.get(componentId), t) || some(this.byService.get(serviceId), t);
  }
}

function push(m: Map<string, MaintenanceWindow[]>, k: string, w: MaintenanceWindow): void {
  const list = m.get(k);
  if (list) list.push(w);
  else m.set(k, [w]);
}

function some(list: MaintenanceWindow[] | undefined, t: number): boolean {
  if (!list) return false;
  for (const w of list) if (windowCovers(w, t)) return true;
  return false;
}

export function inMaintenance(windows: readonly MaintenanceWindow[], componentId: string, serviceId: string, t: number): boolean {
  return windows.some((w) => (w.componentId === componentId || w.serviceId === serviceId) && windowCovers(w, t));
}
