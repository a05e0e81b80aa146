import type { ReactNode } from "react";

export function PageHeader({ title, lede, actions }: { title: string; lede?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {lede ? <p className="lede">{lede}</p> : null}
      </div>
      {actions ? (
        <>
          <div className="spacer" />
          <div className="row">{actions}</div>
        </>
      ) : null}
    </header>
  );
}
