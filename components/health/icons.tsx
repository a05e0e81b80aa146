import { makeIcon } from "@/components/ui/icons";

/** Health-only glyphs in the shared icon style. */
export const IconPause = makeIcon("Pause", (
  <>
    <circle cx="12" cy="12" r="9" />
    <path d="M10 9v6M14 9v6" />
  </>
));
export const IconPlay = makeIcon("Play", <path d="M7 4v16l13-8z" />);
export const IconWrench = makeIcon("Wrench", <path d="M14.7 6.3a4 4 0 0 0-5.4 5.2L3 17.8 6.2 21l6.3-6.3a4 4 0 0 0 5.2-5.4l-2.6 2.6-2.8-.7-.7-2.8z" />);
export const IconUpload = makeIcon("Upload", <path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12" />);
export const IconSearch = makeIcon("Search", (
  <>
    <circle cx="11" cy="11" r="7" />
    <path d="m21 21-4.3-4.3" />
  </>
));
export const IconTrash = makeIcon("Trash", <path d="M3 6h18M8 6V4a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6M10 11v6M14 11v6" />);
export const IconEdit = makeIcon("Edit", <path d="M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />);
export const IconZap = makeIcon("Zap", <path d="M13 2 4 14h7l-1 8 9-12h-7l1-8z" />);
export const IconClock = makeIcon("Clock", (
  <>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </>
));
