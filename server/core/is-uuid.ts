const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a reference that may be an id or a name looks like an id (so it can be compared with uuid columns). */
export const isUuid = (ref: string): boolean => uuidPattern.test(ref);
