import Link from "next/link";
import { LogoMark } from "@/components/shell/logo";

export default function NotFound() {
  return (
    <main className="empty" style={{ minHeight: "100vh", justifyContent: "center" }}>
      <LogoMark size={36} />
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link is wrong.</p>
      <Link href="/" className="btn btn-primary">
        Go to the overview
      </Link>
    </main>
  );
}
