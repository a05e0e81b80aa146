/** Storage key shared by the pre-paint script and the toggle. */
export const THEME_KEY = "bulwark-theme";

/**
 * Runs before first paint (inline in <head>): the saved theme, else the OS
 * preference, so a dark-mode user never sees a white flash.
 */
const script = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});if(t!=="light"&&t!=="dark"){t=window.matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"}document.documentElement.setAttribute("data-theme",t)}catch(e){document.documentElement.setAttribute("data-theme","light")}})();`;

export function ThemeScript() {
  return <script dangerouslySetInnerHTML={{ __html: script }} />;
}
